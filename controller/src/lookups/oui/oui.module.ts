import { Module } from '@nestjs/common';
import { OuiController } from './oui.controller';
import { OuiService } from './oui.service';

@Module({
  controllers: [OuiController],
  providers: [OuiService],
  exports: [OuiService],
})
export class OuiModule {}
