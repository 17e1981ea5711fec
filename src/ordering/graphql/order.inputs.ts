import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CommandInput } from '../../graphql/command-input';
import { IsNormalisedUuid } from '../../graphql/uuid';

@InputType()
export class PlaceOrderInput extends CommandInput {
  @Field(() => ID)
  @IsNormalisedUuid()
  meetupId!: string;

  @Field(() => Int, { description: '1 to 10 tickets.' })
  @IsInt()
  @Min(1)
  @Max(10)
  quantity!: number;

  @Field({
    description: 'From the payment provider; with the test provider: tok_ok, tok_declined or tok_timeout.',
  })
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'paymentToken must be letters, digits, _ or -' })
  paymentToken!: string;
}

@InputType()
export class CancelOrderInput extends CommandInput {
  @Field(() => ID)
  @IsNormalisedUuid()
  orderId!: string;
}
