import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'netwatcher:public';

/** Opts a route out of the global JWT guard (login, register, agent endpoints with their own auth). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
