package institution

import (
	"context"
	"fmt"

	"github.com/meded/meded/internal/store"
)

// Descendants returns id and the ids of every institution below it, sorted.
// It returns ErrNotFound when id does not exist.
func Descendants(ctx context.Context, q store.Querier, id int64) ([]int64, error) {
	// UNION (not UNION ALL) drops rows already seen, so even a cycle left by
	// hand-edited data ends the recursion instead of looping.
	rows, err := q.Query(ctx, `WITH RECURSIVE tree(id) AS (
			SELECT id FROM institutions WHERE id = ?
			UNION
			SELECT i.id FROM institutions i JOIN tree t ON i.parent_id = t.id
		)
		SELECT id FROM tree ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("institution %d: descendants: %w", id, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("institution %d: descendants: %w", id, err)
		}
		ids = append(ids, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("institution %d: descendants: %w", id, err)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("institution %d: descendants: %w", id, ErrNotFound)
	}
	return ids, nil
}

// Children returns the institutions directly below id, by name; none for an
// unknown id.
func Children(ctx context.Context, q store.Querier, id int64) ([]Institution, error) {
	list, err := query(ctx, q, `SELECT `+columns+` FROM institutions WHERE parent_id = ? ORDER BY sort_key, id`, id)
	if err != nil {
		return nil, fmt.Errorf("institution %d: children: %w", id, err)
	}
	return list, nil
}
