import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { UserEntity } from './user.entity';

/** The public face of an account, as other features may show it. */
export interface UserSummary {
  id: number;
  email: string;
  name: string;
}

/**
 * What other features may ask about accounts (they never read the users table themselves).
 * Methods that take an EntityManager run inside the caller's transaction.
 */
@Injectable()
export class UserDirectory {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async exists(userId: number): Promise<boolean> {
    return (await this.users.count({ where: { id: userId } })) > 0;
  }

  /** An instance administrator (system role ADMIN), as opposed to a workspace's ADMIN. */
  async isInstanceAdmin(userId: number): Promise<boolean> {
    return (await this.users.count({ where: { id: userId, role: 'ADMIN' } })) > 0;
  }

  async findByEmail(email: string, em?: EntityManager): Promise<UserSummary | null> {
    return this.repo(em).findOne({ where: { email }, select: { id: true, email: true, name: true } });
  }

  async findById(userId: number, em?: EntityManager): Promise<UserSummary | null> {
    return this.repo(em).findOne({ where: { id: userId }, select: { id: true, email: true, name: true } });
  }

  async summaries(userIds: readonly number[]): Promise<UserSummary[]> {
    if (userIds.length === 0) return [];
    return this.users.find({ where: { id: In([...userIds]) }, select: { id: true, email: true, name: true } });
  }

  private repo(em?: EntityManager): Repository<UserEntity> {
    return em ? em.getRepository(UserEntity) : this.users;
  }
}
