import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, URL_MAX, VersionDto } from './common.dto';
import { SLUG, SLUG_RULE } from './gateway.dto';

export class CreateGrpcServiceDto extends RegistryWriteDto {
  @ApiProperty({ maxLength: NAME_MAX, description: 'Unique' })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @ApiProperty({ maxLength: NAME_MAX, description: 'Unique' })
  @Matches(SLUG, { message: SLUG_RULE })
  slug: string;

  @ApiProperty({ maxLength: URL_MAX, example: 'grpc.example.com:443' })
  @IsString()
  @Length(1, URL_MAX)
  target: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  tls_enabled?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  grpc_metadata?: Record<string, string>;
}

export class UpdateGrpcServiceDto extends IntersectionType(PartialType(CreateGrpcServiceDto), VersionDto) {}

export class GrpcServiceDto extends IntersectionType(CreateGrpcServiceDto, RegistryReadDto) {
  @ApiProperty()
  reachable: boolean;
  @ApiProperty()
  service_count: number;
  @ApiProperty()
  method_count: number;
  @ApiProperty({ type: 'object', additionalProperties: true })
  discovered_services: Record<string, unknown>;
}
