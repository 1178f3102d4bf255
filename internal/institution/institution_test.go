package institution_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var actor = audit.Actor{AccountID: 0, Label: "test", IP: "127.0.0.1"}

func create(t *testing.T, db *store.DB, in institution.Input) institution.Institution {
	t.Helper()
	var inst institution.Institution
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		inst, err = institution.Create(context.Background(), tx, actor, in)
		return err
	})
	if err != nil {
		t.Fatalf("create %+v: %v", in, err)
	}
	return inst
}

func update(db *store.DB, id int64, in institution.Input) (institution.Institution, error) {
	var inst institution.Institution
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		inst, err = institution.Update(context.Background(), tx, actor, id, in)
		return err
	})
	return inst, err
}

func auditEntries(t *testing.T, db *store.DB, entity string, id int64) []audit.Entry {
	t.Helper()
	entries, _, err := audit.List(context.Background(), db, audit.Filter{Entity: entity, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// wantFieldError fails unless err is a validation error on field with key.
func wantFieldError(t *testing.T, err error, field, key string) {
	t.Helper()
	es, ok := validate.As(err)
	if !ok {
		t.Fatalf("got error %v, want a field error on %s", err, field)
	}
	for _, e := range es {
		if e.Field == field && e.Key == key {
			return
		}
	}
	t.Errorf("got errors %v, want %s on %s", es, key, field)
}

func TestCreateAndGet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		parent := create(t, db, institution.Input{Kind: institution.University, NameZH: "重庆医科大学", Country: "CN"})
		in := institution.Input{
			Kind: institution.AffiliatedHospital, NameZH: " 重庆医科大学附属第一医院 ", NameEN: "First Affiliated Hospital",
			ParentID: parent.ID, Country: "cn", Region: "重庆", City: "重庆", Founded: 1957,
		}
		got := create(t, db, in)
		want := institution.Institution{
			ID: got.ID, Kind: institution.AffiliatedHospital, NameZH: "重庆医科大学附属第一医院", NameEN: "First Affiliated Hospital",
			ParentID: parent.ID, Country: "CN", Region: "重庆", City: "重庆", Founded: 1957, TimeZone: "Asia/Shanghai",
			CreatedAt: got.CreatedAt, UpdatedAt: got.CreatedAt,
		}
		if got != want || got.CreatedAt.IsZero() {
			t.Errorf("created %+v, want %+v", got, want)
		}
		loaded, err := institution.Get(ctx, db, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !loaded.CreatedAt.Equal(got.CreatedAt) || loaded.CreatedAt.Location().String() != "UTC" {
			t.Errorf("loaded created_at %v, want %v in UTC", loaded.CreatedAt, got.CreatedAt)
		}
		loaded.CreatedAt, loaded.UpdatedAt = got.CreatedAt, got.UpdatedAt
		if loaded != got {
			t.Errorf("loaded %+v, want %+v", loaded, got)
		}
		if c := loaded.Continent(); c != geo.Asia {
			t.Errorf("continent %q, want asia", c)
		}
		if n := loaded.Name("en"); n != "First Affiliated Hospital" {
			t.Errorf("english name %q", n)
		}
		if n := parent.Name("en"); n != "重庆医科大学" {
			t.Errorf("english name without one %q, want the Chinese name", n)
		}

		entries := auditEntries(t, db, "institution", got.ID)
		if len(entries) != 1 || entries[0].Action != "create" || entries[0].InstitutionID != got.ID ||
			!strings.Contains(entries[0].After, `"name_en":"First Affiliated Hospital"`) {
			t.Errorf("audit entries %+v, want one create of institution %d", entries, got.ID)
		}

		if _, err := institution.Get(ctx, db, 999); !errors.Is(err, institution.ErrNotFound) {
			t.Errorf("get missing: got %v, want ErrNotFound", err)
		}
	})
}

func TestValidation(t *testing.T) {
	ok := institution.Input{Kind: institution.Hospital, NameZH: "医院"}
	tests := []struct {
		name       string
		edit       func(*institution.Input)
		field, key string
	}{
		{"no kind", func(in *institution.Input) { in.Kind = "" }, "kind", "error.required"},
		{"unknown kind", func(in *institution.Input) { in.Kind = "clinic" }, "kind", "error.invalid_choice"},
		{"no name", func(in *institution.Input) { in.NameZH, in.NameEN = " ", "" }, "name_zh", "error.name_required"},
		{"long zh name", func(in *institution.Input) { in.NameZH = strings.Repeat("医", 201) }, "name_zh", "error.too_long"},
		{"long en name", func(in *institution.Input) { in.NameEN = strings.Repeat("a", 201) }, "name_en", "error.too_long"},
		{"long city", func(in *institution.Input) { in.City = strings.Repeat("a", 101) }, "city", "error.too_long"},
		{"long region", func(in *institution.Input) { in.Region = strings.Repeat("a", 101) }, "region", "error.too_long"},
		{"bad country", func(in *institution.Input) { in.Country = "XX" }, "country", "error.invalid_country"},
		{"withdrawn country", func(in *institution.Input) { in.Country = "YU" }, "country", "error.invalid_country"},
		{"bad zone", func(in *institution.Input) { in.TimeZone = "Mars/Olympus" }, "time_zone", "error.invalid_time_zone"},
		{"local zone", func(in *institution.Input) { in.TimeZone = "Local" }, "time_zone", "error.invalid_time_zone"},
		{"founded too early", func(in *institution.Input) { in.Founded = 999 }, "founded", "error.out_of_range"},
		{"founded in the future", func(in *institution.Input) { in.Founded = store.Now().Year() + 1 }, "founded", "error.out_of_range"},
		{"missing parent", func(in *institution.Input) { in.ParentID = 12345 }, "parent_id", "error.no_such_record"},
		{"negative parent", func(in *institution.Input) { in.ParentID = -1 }, "parent_id", "error.no_such_record"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				tt.edit(&in)
				err := db.InTx(ctx, func(tx *store.Tx) error {
					_, err := institution.Create(ctx, tx, actor, in)
					return err
				})
				wantFieldError(t, err, tt.field, tt.key)
			})
		}
		if _, total, err := institution.List(ctx, db, institution.ListFilter{}); err != nil || total != 0 {
			t.Errorf("after refused creates: %d institutions (%v), want none", total, err)
		}
	})
}

func TestUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		uni := create(t, db, institution.Input{Kind: institution.University, NameZH: "四川大学", Country: "CN"})
		in := institution.Input{Kind: institution.Hospital, NameZH: "华西医院", Country: "CN", City: "成都"}
		h := create(t, db, in)

		in.Kind, in.ParentID, in.NameEN, in.TimeZone = institution.AffiliatedHospital, uni.ID, "West China Hospital", "Asia/Chongqing"
		got, err := update(db, h.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.ParentID != uni.ID || got.NameEN != "West China Hospital" || got.Kind != institution.AffiliatedHospital ||
			got.TimeZone != "Asia/Chongqing" || !got.CreatedAt.Equal(h.CreatedAt) || got.UpdatedAt.Before(h.UpdatedAt) {
			t.Errorf("updated %+v", got)
		}
		if loaded, _ := institution.Get(ctx, db, h.ID); loaded.NameEN != "West China Hospital" || loaded.ParentID != uni.ID {
			t.Errorf("loaded after update %+v", loaded)
		}
		entries := auditEntries(t, db, "institution", h.ID)
		if len(entries) != 2 || entries[0].Action != "update" || !strings.Contains(entries[0].Before, `"parent_id":0`) ||
			!strings.Contains(entries[0].After, `"West China Hospital"`) {
			t.Errorf("audit entries %+v, want an update on top of the create", entries)
		}

		// The same input again changes nothing and records nothing.
		if _, err := update(db, h.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := len(auditEntries(t, db, "institution", h.ID)); n != 2 {
			t.Errorf("no-op update left %d audit entries, want 2", n)
		}

		// A refused update leaves the row as it was.
		before, _ := institution.Get(ctx, db, h.ID)
		bad := in
		bad.NameZH, bad.Country = "新名字", "ZZ"
		_, err = update(db, h.ID, bad)
		wantFieldError(t, err, "country", "error.invalid_country")
		if after, _ := institution.Get(ctx, db, h.ID); after != before {
			t.Errorf("after refused update %+v, want %+v", after, before)
		}

		if _, err := update(db, 999, in); !errors.Is(err, institution.ErrNotFound) {
			t.Errorf("update missing: got %v, want ErrNotFound", err)
		}
	})
}
