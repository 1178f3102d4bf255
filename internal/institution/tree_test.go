package institution_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// tree builds university → {college, hospital → ward hospital} and a
// separate society, returning them in that order.
func tree(t *testing.T, db *store.DB) (uni, college, hospital, branch, society institution.Institution) {
	t.Helper()
	uni = create(t, db, institution.Input{Kind: institution.University, NameZH: "中南大学"})
	college = create(t, db, institution.Input{Kind: institution.College, NameZH: "湘雅医学院", ParentID: uni.ID})
	hospital = create(t, db, institution.Input{Kind: institution.AffiliatedHospital, NameZH: "湘雅医院", ParentID: uni.ID})
	branch = create(t, db, institution.Input{Kind: institution.Hospital, NameZH: "湘雅医院分院", ParentID: hospital.ID})
	society = create(t, db, institution.Input{Kind: institution.Society, NameEN: "Chinese Medical Association"})
	return
}

func TestDescendants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		uni, college, hospital, branch, society := tree(t, db)
		tests := []struct {
			root int64
			want []int64
		}{
			{uni.ID, []int64{uni.ID, college.ID, hospital.ID, branch.ID}},
			{hospital.ID, []int64{hospital.ID, branch.ID}},
			{branch.ID, []int64{branch.ID}},
			{society.ID, []int64{society.ID}},
		}
		for _, tt := range tests {
			got, err := institution.Descendants(ctx, db, tt.root)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Descendants(%d) = %v, want %v", tt.root, got, tt.want)
			}
		}
		if _, err := institution.Descendants(ctx, db, 999); !errors.Is(err, institution.ErrNotFound) {
			t.Errorf("Descendants(missing): got %v, want ErrNotFound", err)
		}

		children, err := institution.Children(ctx, db, uni.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range children {
			names = append(names, c.NameZH)
		}
		// By pinyin: xiang ya yi xue yuan < xiang ya yi yuan.
		if want := []string{"湘雅医学院", "湘雅医院"}; !slices.Equal(names, want) {
			t.Errorf("children of the university %v, want %v", names, want)
		}
		if none, err := institution.Children(ctx, db, branch.ID); err != nil || len(none) != 0 {
			t.Errorf("children of a leaf: %v, %v; want none", none, err)
		}
	})
}

func TestParentCycleRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		uni, _, hospital, branch, society := tree(t, db)
		input := func(i institution.Institution, parent int64) institution.Input {
			return institution.Input{Kind: i.Kind, NameZH: i.NameZH, NameEN: i.NameEN, ParentID: parent}
		}
		refused := []struct {
			name   string
			id     int64
			parent int64
		}{
			{"itself", uni.ID, uni.ID},
			{"its child", uni.ID, hospital.ID},
			{"its grandchild", uni.ID, branch.ID},
			{"a leaf under itself", branch.ID, branch.ID},
		}
		for _, tt := range refused {
			inst, _ := institution.Get(ctx, db, tt.id)
			_, err := update(db, tt.id, input(inst, tt.parent))
			wantFieldError(t, err, "parent_id", "error.parent_cycle")
			if after, _ := institution.Get(ctx, db, tt.id); after != inst {
				t.Errorf("%s: after refused update %+v, want %+v", tt.name, after, inst)
			}
		}

		// Moving a subtree elsewhere, or to the top, is fine.
		if _, err := update(db, hospital.ID, input(hospital, society.ID)); err != nil {
			t.Errorf("move hospital under the society: %v", err)
		}
		if got, _ := institution.Descendants(ctx, db, society.ID); !slices.Equal(got, []int64{hospital.ID, branch.ID, society.ID}) {
			t.Errorf("society's descendants after the move: %v", got)
		}
		if _, err := update(db, hospital.ID, input(hospital, 0)); err != nil {
			t.Errorf("move hospital to the top: %v", err)
		}
		if got, _ := institution.Get(ctx, db, hospital.ID); got.ParentID != 0 {
			t.Errorf("parent after moving to the top: %d, want 0", got.ParentID)
		}
		var nulls int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM institutions WHERE parent_id IS NULL`).Scan(&nulls); err != nil || nulls != 3 {
			t.Errorf("institutions without parent stored as NULL: %d (%v), want 3", nulls, err)
		}
	})
}
