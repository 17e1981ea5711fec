import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ActiveUserDocument } from '../../../projections/users.projection';
import { Role } from '../domain/role';

export enum RoleEnum {
  ATTENDEE = 'ATTENDEE',
  ORGANIZER = 'ORGANIZER',
  ADMIN = 'ADMIN',
}
registerEnumType(RoleEnum, { name: 'Role' });

@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => GraphQLISODateTime)
  registeredAt!: Date;

  @Field(() => Int, { description: "The user stream's revision: an expectedRevision for the next change." })
  revision!: number;

  static from(doc: ActiveUserDocument): UserType {
    return Object.assign(new UserType(), {
      id: doc._id,
      email: doc.email,
      displayName: doc.displayName,
      role: doc.role,
      registeredAt: doc.registeredAt,
      revision: doc.revision,
    });
  }
}

@ObjectType('Session')
export class SessionType {
  @Field({ description: "Send it as 'Authorization: Bearer <token>'." })
  token!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => UserType)
  user!: UserType;
}
