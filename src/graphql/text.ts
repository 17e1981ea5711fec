import { applyDecorators } from '@nestjs/common';
import { Matches } from 'class-validator';

/**
 * Text people type and others read. Control and invisible format characters are refused (they
 * can hide or reorder what is shown: bidi overrides, zero-width spaces), except the joiners that
 * emoji sequences and some scripts need; and there must be something visible.
 */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}/u;
const MULTI_LINE_CONTROL = /[^\P{Cc}\n\t]|[\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}/u;
/** Letters, digits, punctuation or symbols, but not those drawn blank (Hangul fillers, braille blank). */
const VISIBLE = /(?![\u115F\u1160\u3164\uFFA0\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

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
