import { ArgumentsHost, BadRequestException, Catch, HttpException, Logger } from '@nestjs/common';
import { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';
import { ValidationError } from 'class-validator';
import { GraphQLError } from 'graphql';
import { CodedError } from '../eventsourcing/deciders/coded-error';
import { ErrorCodes } from './error-codes';

/** A failed validation: which field, and what is wrong with it. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Thrown by the validation pipe with every offending field. */
export class InvalidInputError extends BadRequestException {
  constructor(readonly fields: FieldProblem[]) {
    super('Invalid input');
  }
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * The single place where errors become GraphQL errors with a stable `extensions.code`. Anything
 * unexpected is logged and answered without internals.
 */
@Catch()
export class GraphQLErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('GraphQL');

  catch(exception: unknown, host: ArgumentsHost): GraphQLError | HttpException {
    // Outside GraphQL (an unknown path, the playground), Nest answers HTTP errors itself, unlogged.
    if (host.getType<GqlContextType>() !== 'graphql' && exception instanceof HttpException) return exception;
    if (exception instanceof GraphQLError) return exception;
    if (exception instanceof CodedError) {
      return new GraphQLError(exception.message, {
        extensions: { code: exception.code, ...exception.details },
      });
    }
    if (exception instanceof InvalidInputError) {
      const summary = exception.fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ');
      return new GraphQLError(`Invalid input: ${summary}`, {
        extensions: { code: ErrorCodes.BAD_USER_INPUT, fields: exception.fields },
      });
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return new GraphQLError('Internal server error', {
      extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR },
    });
  }
}
