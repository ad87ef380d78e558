import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CURSOR_RULE } from '../common/cursor';
import { badField } from '../common/field-errors';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { PageQueryDto } from './dto/page.dto';

export const DEFAULT_PAGE = 50;

/**
 * One page of an identity listing, oldest first by id (time-ordered UUIDv7), through the
 * registry's list cursor: `limit + 1` rows read, the extra one only telling that more follow.
 */
export async function pageById<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  query: PageQueryDto,
): Promise<{ rows: T[]; next_cursor: string | null }> {
  const limit = query.limit ?? DEFAULT_PAGE;
  if (query.cursor !== undefined) {
    const after = decodeListCursor(query.cursor);
    if (!after) throw badField('cursor', `cursor ${CURSOR_RULE}`);
    qb.andWhere(`${alias}.id > :after`, { after });
  }
  const rows = await qb
    .orderBy(`${alias}.id`, 'ASC')
    .take(limit + 1)
    .getMany();
  const page = rows.slice(0, limit);
  return { rows: page, next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null };
}
