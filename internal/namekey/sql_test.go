package namekey_test

import (
	"context"
	"slices"
	"testing"

	"github.com/meded/meded/internal/namekey"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// TestSQL checks the keys where they are used: LIKE with ESCAPE and ORDER BY
// must behave the same on SQLite and PostgreSQL.
func TestSQL(t *testing.T) {
	names := []struct{ zh, en string }{
		{"张伟", "Zhang Wei"},
		{"李娜", ""},
		{"王芳", ""},
		{"", "Adams"},
		{"曾伟", ""},
		{"", "50% Off_Clinic"},
		{"", `Back\slash`},
		{"", "Émile Roux"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		collate := ""
		if db.Dialect() == store.Postgres {
			collate = ` COLLATE "C"` // as in the people and institutions tables
		}
		if _, err := db.Exec(ctx, `CREATE TABLE namekey_test (id INTEGER PRIMARY KEY, sort_key TEXT`+collate+` NOT NULL, search_text TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		for i, n := range names {
			if _, err := db.Exec(ctx, `INSERT INTO namekey_test (id, sort_key, search_text) VALUES (?, ?, ?)`,
				i, namekey.SortPerson(n.zh, n.en), namekey.SearchPerson(n.zh, n.en)); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(query string, args ...any) []int {
			t.Helper()
			rows, err := db.Query(ctx, query, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []int
			for rows.Next() {
				var id int
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				out = append(out, id)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return out
		}

		searches := []struct {
			q    string
			want []int
		}{
			{"zhang", []int{0}},
			{"zw", []int{0, 4}},
			{"张", []int{0}},
			{"ZHANGWEI", []int{0}},
			{"wei", []int{0, 4}},
			{"zeng", []int{4}},
			{"50%", []int{5}},
			{"%", []int{5}},
			{"of_", nil}, // an unescaped _ would match "off"
			{"off_", []int{5}},
			{`\`, []int{6}},
			{`k\s`, []int{6}},
			{"emile", []int{7}},
			{"wei zhang", nil},
		}
		for _, s := range searches {
			got := ids(`SELECT id FROM namekey_test WHERE search_text LIKE ? ESCAPE '\' ORDER BY id`, namekey.LikePattern(s.q))
			if !slices.Equal(got, s.want) {
				t.Errorf("search %q: got ids %v, want %v", s.q, got, s.want)
			}
		}

		got := ids(`SELECT id FROM namekey_test ORDER BY sort_key, id`)
		want := []int{5, 3, 6, 7, 1, 2, 4, 0} // 50%…, adams, back…, emile, li, wang, zeng, zhang
		if !slices.Equal(got, want) {
			t.Errorf("ORDER BY sort_key: got ids %v, want %v", got, want)
		}
	})
}
