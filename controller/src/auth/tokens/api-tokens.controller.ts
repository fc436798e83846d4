import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { idParam } from '../../common/id-param';
import { ListResponse, PageQueryDto } from '../../common/pagination';
import type { Caller } from '../caller';
import { CurrentCaller } from '../current-user.decorator';
import { SessionOnly } from '../session-only.decorator';
import { ApiTokenView, CreatedApiTokenView } from './api-token.view';
import { ApiTokensService } from './api-tokens.service';
import { CreateApiTokenDto } from './dto/api-token.dto';

/** The caller's own API tokens. Session only: a token cannot create, list or delete tokens. */
@SessionOnly()
@Controller('auth/tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  /** Answers with the secret (`token`), this once. */
  @Post()
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateApiTokenDto): Promise<CreatedApiTokenView> {
    return this.tokens.create(caller, dto);
  }

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() page: PageQueryDto): Promise<ListResponse<ApiTokenView>> {
    return this.tokens.list(caller, page);
  }

  /** The token stops working at once, its open panel sockets included. */
  @Delete(':tokenId')
  @HttpCode(204)
  remove(@CurrentCaller() caller: Caller, @Param('tokenId', idParam('token id')) tokenId: number): Promise<void> {
    return this.tokens.remove(caller, tokenId);
  }
}
