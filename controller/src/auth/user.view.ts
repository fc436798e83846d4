import type { UserEntity } from './user.entity';

export interface UserView {
  id: number;
  email: string;
  name: string;
  role: string;
  verified: boolean;
  labels: Record<string, unknown>;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    verified: user.verified,
    labels: user.labels,
    metadata: user.metadata,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
