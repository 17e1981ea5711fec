import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

/** A UUID in any letter case, normalised to lower case: one id, one spelling. */
export const IsNormalisedUuid = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID(),
  );

const LOWER_CASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID as ids are kept: in lower case. */
export const isLowerCaseUuid = (value: string): boolean => LOWER_CASE_UUID.test(value);
