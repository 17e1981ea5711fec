import { Module } from '@nestjs/common';
import { Forgetting } from './forgetting';
import { ForgettingReactor } from './forgetting.reactor';

/** Forgetting people: the steps after `UserForgotten`, and the reactor that sees them done. */
@Module({ providers: [Forgetting, ForgettingReactor], exports: [Forgetting] })
export class ForgettingModule {}
