import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class CreateToolTestCaseDto {
  @ApiProperty({ example: 'forecast for Paris', description: 'Unique among the tool’s test cases' })
  @IsString()
  @Length(1, 255)
  name: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { city: 'Paris' }, description: 'The tool call’s arguments' })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The result expected (an MCP CallToolResult), or null',
  })
  @IsOptional()
  @IsObject()
  expected_output?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'result.content[0].text contains "°C"',
    description: 'A check of the result, instead of or besides the expected output',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  assertion?: string | null;
}

export class UpdateToolTestCaseDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 255)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsObject()
  expected_output?: Record<string, unknown> | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  assertion?: string | null;
}

export class ToolRunStatusDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'passed 12/12 at 2026-12-07T15:00:00Z',
    description: 'Outcome of the last run; null clears it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  run_status: string | null;
}
