// Entry point for the TypeORM CLI (`npx typeorm -d controller/dist/database/data-source.js migration:run`).
// The controller itself builds its DataSource from the same options in DatabaseModule.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { buildDataSourceOptions } from './database.options';

export default new DataSource(buildDataSourceOptions(loadConfig()));
