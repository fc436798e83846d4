import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from './api-error';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      // class-validator words a stray field as "property x should not exist"; name the path.
      m.startsWith('property ') ? `${path}: unknown field` : m.includes(e.property) ? m : `${path}: ${m}`,
    );
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * Path parameters reach their own pipes (idParam) as the client wrote them. The stock pipe runs
 * first and would turn '0x1', '1e0', '+1' and '1.0' into 1 with Number(), so the strict id
 * check downstream never saw them.
 */
class StrictParamValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

/** One pipe for every body and query: unknown fields rejected, types converted, one clear message. */
export function createValidationPipe(): ValidationPipe {
  return new StrictParamValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => ApiError.badRequest(flatten(errors).join('; ') || 'invalid input', 'validation_failed'),
  });
}
