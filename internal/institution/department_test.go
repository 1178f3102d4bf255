package institution_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func createDepartment(db *store.DB, institutionID int64, in institution.DepartmentInput) (institution.Department, error) {
	var d institution.Department
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		d, err = institution.CreateDepartment(context.Background(), tx, actor, institutionID, in)
		return err
	})
	return d, err
}

func updateDepartment(db *store.DB, id int64, in institution.DepartmentInput) (institution.Department, error) {
	var d institution.Department
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		d, err = institution.UpdateDepartment(context.Background(), tx, actor, id, in)
		return err
	})
	return d, err
}

func TestDepartments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := create(t, db, institution.Input{Kind: institution.Hospital, NameZH: "华西医院"})
		other := create(t, db, institution.Input{Kind: institution.Hospital, NameZH: "湘雅医院"})

		var ids []int64
		for _, in := range []institution.DepartmentInput{
			{NameZH: "心内科", NameEN: "Cardiology"},
			{NameZH: " 重症医学科 ", NameEN: "ICU"},
			{NameEN: "Anaesthesiology"},
		} {
			d, err := createDepartment(db, h.ID, in)
			if err != nil {
				t.Fatalf("create %+v: %v", in, err)
			}
			ids = append(ids, d.ID)
		}
		got, err := institution.GetDepartment(ctx, db, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		if got.NameZH != "重症医学科" || got.InstitutionID != h.ID || got.Name("en") != "ICU" || got.Name("zh-CN") != "重症医学科" {
			t.Errorf("loaded department %+v", got)
		}

		refused := []struct {
			name       string
			in         institution.DepartmentInput
			field, key string
		}{
			{"no name", institution.DepartmentInput{NameZH: "  "}, "name_zh", "error.name_required"},
			{"long name", institution.DepartmentInput{NameZH: strings.Repeat("科", 201)}, "name_zh", "error.too_long"},
			{"same Chinese name", institution.DepartmentInput{NameZH: "心内科"}, "name_zh", "error.duplicate"},
			{"same English name in other case", institution.DepartmentInput{NameZH: "ICU", NameEN: "icu"}, "name_en", "error.duplicate"},
		}
		for _, tt := range refused {
			_, err := createDepartment(db, h.ID, tt.in)
			wantFieldError(t, err, tt.field, tt.key)
		}
		if _, err := createDepartment(db, other.ID, institution.DepartmentInput{NameZH: "心内科", NameEN: "Cardiology"}); err != nil {
			t.Errorf("same name in another institution: %v", err)
		}
		if _, err := createDepartment(db, 999, institution.DepartmentInput{NameZH: "心内科"}); !errors.Is(err, institution.ErrNotFound) {
			t.Errorf("department of a missing institution: got %v, want ErrNotFound", err)
		}

		// Renaming to a free name works; to a taken one is refused and
		// changes nothing; keeping its own name is no duplicate.
		if _, err := updateDepartment(db, ids[0], institution.DepartmentInput{NameZH: "心血管内科", NameEN: "Cardiology"}); err != nil {
			t.Fatal(err)
		}
		before, _ := institution.GetDepartment(ctx, db, ids[2])
		_, err = updateDepartment(db, ids[2], institution.DepartmentInput{NameZH: "心血管内科"})
		wantFieldError(t, err, "name_zh", "error.duplicate")
		if after, _ := institution.GetDepartment(ctx, db, ids[2]); after != before {
			t.Errorf("after refused rename %+v, want %+v", after, before)
		}
		if _, err := updateDepartment(db, ids[2], institution.DepartmentInput{NameZH: "麻醉科", NameEN: "Anaesthesiology"}); err != nil {
			t.Errorf("rename keeping its English name: %v", err)
		}
		if _, err := updateDepartment(db, 999, institution.DepartmentInput{NameZH: "x"}); !errors.Is(err, institution.ErrNotFound) {
			t.Errorf("update missing department: got %v, want ErrNotFound", err)
		}

		list, err := institution.Departments(ctx, db, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range list {
			names = append(names, d.NameZH)
		}
		// ma zui ke < xin xue guan nei ke < zhong zheng yi xue ke
		if want := []string{"麻醉科", "心血管内科", "重症医学科"}; !slices.Equal(names, want) {
			t.Errorf("departments %q, want %q", names, want)
		}

		entries := auditEntries(t, db, "department", ids[0])
		if len(entries) != 2 || entries[0].Action != "update" || entries[0].InstitutionID != h.ID ||
			!strings.Contains(entries[0].Before, "心内科") || !strings.Contains(entries[0].After, "心血管内科") {
			t.Errorf("audit entries %+v, want create and update under institution %d", entries, h.ID)
		}
		if _, err := institution.GetDepartment(ctx, db, 999); !errors.Is(err, institution.ErrNotFound) {
			t.Errorf("get missing department: got %v, want ErrNotFound", err)
		}
	})
}
