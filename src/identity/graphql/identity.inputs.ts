import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CommandInput } from '../../graphql/command-input';
import { IsSingleLineText } from '../../graphql/text';
import { ConsistentWith } from '../../graphql/consistent-with';
import { IsNormalisedUuid } from '../../graphql/uuid';
import { normaliseEmail } from '../email-address';

/** Addresses are validated as they are compared: trimmed, NFKC-normalised, in lower case. */
const NormalisedEmail = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseEmail(value) : value));

/** The roles one can sign up with; admins are made by configuration only. */
export enum SignUpRole {
  ATTENDEE = 'ATTENDEE',
  ORGANIZER = 'ORGANIZER',
}
registerEnumType(SignUpRole, { name: 'SignUpRole' });

@InputType()
export class RegisterUserInput extends CommandInput {
  @Field({ description: 'Compared trimmed, NFKC-normalised and in lower case.' })
  @NormalisedEmail()
  @IsString()
  @Length(3, 254)
  @IsSingleLineText()
  @IsEmail({ allow_utf8_local_part: true })
  email!: string;

  @Field({ description: '12 to 128 characters.' })
  @IsString()
  @Length(12, 128)
  password!: string;

  @Field()
  @IsString()
  @Length(1, 100)
  @IsSingleLineText()
  displayName!: string;

  @Field(() => SignUpRole)
  @IsIn(Object.values(SignUpRole))
  role!: SignUpRole;
}

@InputType()
export class LogInInput {
  @Field()
  @NormalisedEmail()
  @IsString()
  @Length(1, 254)
  email!: string;

  @Field()
  @IsString()
  @Length(1, 128)
  password!: string;

  @ConsistentWith()
  consistentWith?: string;
}

@InputType()
export class ChangeProfileInput extends CommandInput {
  @Field(() => ID, { nullable: true, description: 'Yourself when left out; an admin may name anyone.' })
  @IsOptional()
  @IsNormalisedUuid()
  userId?: string;

  @Field()
  @IsString()
  @Length(1, 100)
  @IsSingleLineText()
  displayName!: string;
}

@InputType()
export class ChangePasswordInput extends CommandInput {
  @Field()
  @IsString()
  @Length(1, 128)
  currentPassword!: string;

  @Field({ description: '12 to 128 characters.' })
  @IsString()
  @Length(12, 128)
  newPassword!: string;
}

@InputType()
export class ForgetUserInput extends CommandInput {
  @Field(() => ID, { nullable: true, description: 'Yourself when left out; an admin may name anyone.' })
  @IsOptional()
  @IsNormalisedUuid()
  userId?: string;
}
