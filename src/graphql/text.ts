import { applyDecorators } from '@nestjs/common';
import { Matches } from 'class-validator';

/**
 * Text people type and others read. Control, format and default-ignorable characters are
 * refused, as is the braille blank: they hide or reorder what is shown (bidi overrides,
 * zero-width spaces, Hangul fillers), except the joiners and presentation selectors that emoji
 * and some scripts need. And there must be something visible.
 */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\u2800]|(?!\u200C|\u200D|\uFE0E|\uFE0F)[\p{Cf}\p{DI}]/u;
const MULTI_LINE_CONTROL =
  /[^\P{Cc}\n\t]|[\p{Zl}\p{Zp}\u2800]|(?!\u200C|\u200D|\uFE0E|\uFE0F)[\p{Cf}\p{DI}]/u;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** One line of text: a name, a title, a city. */
export const IsSingleLineText = () =>
  applyDecorators(
    Matches(new RegExp(`^(?!.*(?:${INVISIBLE_OR_CONTROL.source}))`, 'su'), {
      message: '$property must not contain control or invisible format characters',
    }),
    Matches(VISIBLE, { message: '$property must contain a visible character' }),
  );

/** Text over several lines: line breaks and tabs are allowed, other control characters are not. */
export const IsMultiLineText = () =>
  Matches(new RegExp(`^(?!.*(?:${MULTI_LINE_CONTROL.source}))`, 'su'), {
    message:
      '$property must not contain control or invisible format characters other than line breaks and tabs',
  });
