package person_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var actor = audit.Actor{Label: "test", IP: "127.0.0.1"}

// fixture is two hospitals; the first has two departments, the second one.
type fixture struct {
	hospital, other                 institution.Institution
	cardiology, anaesthesia, other1 institution.Department
}

func setup(t *testing.T, db *store.DB) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if f.hospital, err = institution.Create(ctx, tx, actor, institution.Input{Kind: institution.Hospital, NameZH: "华西医院"}); err != nil {
			return err
		}
		if f.other, err = institution.Create(ctx, tx, actor, institution.Input{Kind: institution.Hospital, NameZH: "湘雅医院"}); err != nil {
			return err
		}
		if f.cardiology, err = institution.CreateDepartment(ctx, tx, actor, f.hospital.ID, institution.DepartmentInput{NameZH: "心内科"}); err != nil {
			return err
		}
		if f.anaesthesia, err = institution.CreateDepartment(ctx, tx, actor, f.hospital.ID, institution.DepartmentInput{NameZH: "麻醉科"}); err != nil {
			return err
		}
		f.other1, err = institution.CreateDepartment(ctx, tx, actor, f.other.ID, institution.DepartmentInput{NameZH: "心内科"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func create(db *store.DB, in person.Input) (person.Person, error) {
	var p person.Person
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		p, err = person.Create(context.Background(), tx, actor, in)
		return err
	})
	return p, err
}

func mustCreate(t *testing.T, db *store.DB, in person.Input) person.Person {
	t.Helper()
	p, err := create(db, in)
	if err != nil {
		t.Fatalf("create %+v: %v", in, err)
	}
	return p
}

func update(db *store.DB, id int64, in person.Input) (person.Person, error) {
	var p person.Person
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		p, err = person.Update(context.Background(), tx, actor, id, in)
		return err
	})
	return p, err
}

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

func inputOf(p person.Person) person.Input {
	return person.Input{
		NameZH: p.NameZH, NameEN: p.NameEN, Gender: p.Gender, Title: p.Title, Category: p.Category,
		InstitutionID: p.InstitutionID, DepartmentID: p.DepartmentID, StaffNumber: p.StaffNumber,
		Phone: p.Phone, Email: p.Email, NationalID: p.NationalID,
	}
}

func TestCreateAndGet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		got := mustCreate(t, db, person.Input{
			NameZH: " 张伟 ", NameEN: "Zhang Wei", Gender: "male", Title: "associate_senior", Category: "physician",
			InstitutionID: f.hospital.ID, DepartmentID: f.cardiology.ID, StaffNumber: " H0001 ",
			Phone: "138-0000 1111", Email: " Zhang.Wei@Example.COM ", NationalID: "11010519491231002x",
		})
		want := person.Person{
			ID: got.ID, NameZH: "张伟", NameEN: "Zhang Wei", Gender: "male", Title: "associate_senior", Category: "physician",
			InstitutionID: f.hospital.ID, DepartmentID: f.cardiology.ID, StaffNumber: "H0001",
			Phone: "13800001111", Email: "zhang.wei@example.com", NationalID: "11010519491231002X",
			CreatedAt: got.CreatedAt, UpdatedAt: got.CreatedAt,
		}
		if got != want || got.CreatedAt.IsZero() {
			t.Errorf("created %+v, want %+v", got, want)
		}
		loaded, err := person.Get(ctx, db, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !loaded.CreatedAt.Equal(got.CreatedAt) {
			t.Errorf("loaded created_at %v, want %v", loaded.CreatedAt, got.CreatedAt)
		}
		loaded.CreatedAt, loaded.UpdatedAt = got.CreatedAt, got.UpdatedAt
		if loaded != got {
			t.Errorf("loaded %+v, want %+v", loaded, got)
		}
		if m := got.MaskedNationalID(); m != "**************002X" {
			t.Errorf("masked national ID %q", m)
		}
		if n := got.Name("zh-CN"); n != "张伟" {
			t.Errorf("Chinese name %q", n)
		}

		// Defaults, and empty optional values stored as NULL.
		bare := mustCreate(t, db, person.Input{NameEN: "Mary Smith", InstitutionID: f.other.ID})
		if bare.Gender != "unknown" || bare.Title != "none" || bare.Category != "other" || bare.Name("zh-CN") != "Mary Smith" {
			t.Errorf("defaults %+v", bare)
		}
		var nulls int
		err = db.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE id = ? AND department_id IS NULL AND staff_number IS NULL
			AND phone IS NULL AND email IS NULL AND national_id IS NULL`, bare.ID).Scan(&nulls)
		if err != nil || nulls != 1 {
			t.Errorf("empty optional values not stored as NULL (%d, %v)", nulls, err)
		}
		if p, _ := person.Get(ctx, db, bare.ID); p.StaffNumber != "" || p.DepartmentID != 0 {
			t.Errorf("loaded NULLs as %+v", p)
		}

		entries, _, err := audit.List(ctx, db, audit.Filter{Entity: "person", EntityID: got.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != "create" || entries[0].InstitutionID != f.hospital.ID {
			t.Fatalf("audit entries %+v, want one create under institution %d", entries, f.hospital.ID)
		}
		if a := entries[0].After; strings.Contains(a, "11010519491231002X") || strings.Contains(a, "13800001111") || !strings.Contains(a, `"staff_number":"H0001"`) {
			t.Errorf("audit after %s: want national ID and phone masked", a)
		}

		if _, err := person.Get(ctx, db, 999); !errors.Is(err, person.ErrNotFound) {
			t.Errorf("get missing: got %v, want ErrNotFound", err)
		}
	})
}

func TestValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		mustCreate(t, db, person.Input{NameZH: "李娜", InstitutionID: f.hospital.ID, StaffNumber: "H0001"})
		ok := person.Input{NameZH: "王芳", InstitutionID: f.hospital.ID}
		tests := []struct {
			name       string
			edit       func(*person.Input)
			field, key string
		}{
			{"no name", func(in *person.Input) { in.NameZH = "  " }, "name_zh", "error.name_required"},
			{"long name", func(in *person.Input) { in.NameEN = strings.Repeat("a", 101) }, "name_en", "error.too_long"},
			{"gender", func(in *person.Input) { in.Gender = "f" }, "gender", "error.invalid_choice"},
			{"title", func(in *person.Input) { in.Title = "professor" }, "title", "error.invalid_choice"},
			{"category", func(in *person.Input) { in.Category = "doctor" }, "category", "error.invalid_choice"},
			{"no institution", func(in *person.Input) { in.InstitutionID = 0 }, "institution_id", "error.required"},
			{"missing institution", func(in *person.Input) { in.InstitutionID = 999 }, "institution_id", "error.no_such_record"},
			{"missing department", func(in *person.Input) { in.DepartmentID = 999 }, "department_id", "error.no_such_record"},
			{"department elsewhere", func(in *person.Input) { in.DepartmentID = f.other1.ID }, "department_id", "error.department_mismatch"},
			{"staff number taken", func(in *person.Input) { in.StaffNumber = " H0001" }, "staff_number", "error.duplicate"},
			{"long staff number", func(in *person.Input) { in.StaffNumber = strings.Repeat("1", 51) }, "staff_number", "error.too_long"},
			{"email", func(in *person.Input) { in.Email = "zhang@" }, "email", "error.invalid_email"},
			{"long email", func(in *person.Input) { in.Email = strings.Repeat("a", 250) + "@x.cn" }, "email", "error.too_long"},
			{"phone", func(in *person.Input) { in.Phone = "12ab" }, "phone", "error.invalid_phone"},
			{"national ID check digit", func(in *person.Input) { in.NationalID = "440308199001010018" }, "national_id", "error.invalid_national_id"},
			{"national ID characters", func(in *person.Input) { in.NationalID = "E1234-5678" }, "national_id", "error.invalid_national_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				tt.edit(&in)
				_, err := create(db, in)
				wantFieldError(t, err, tt.field, tt.key)
			})
		}
		// The same staff number in another institution is fine.
		mustCreate(t, db, person.Input{NameZH: "王芳", InstitutionID: f.other.ID, StaffNumber: "H0001"})
		if _, total, _ := person.List(context.Background(), db, person.ListFilter{}); total != 2 {
			t.Errorf("%d people after the refused creates, want 2", total)
		}
	})
}

func TestUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		p := mustCreate(t, db, person.Input{NameZH: "张伟", InstitutionID: f.hospital.ID, DepartmentID: f.cardiology.ID, StaffNumber: "H1", Phone: "13800001111"})
		mustCreate(t, db, person.Input{NameZH: "李娜", InstitutionID: f.hospital.ID, StaffNumber: "H2"})

		in := inputOf(p)
		in.DepartmentID, in.Title, in.Phone, in.NameEN = f.anaesthesia.ID, "senior", "", "Zhang Wei"
		got, err := update(db, p.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.DepartmentID != f.anaesthesia.ID || got.Title != "senior" || got.Phone != "" || !got.CreatedAt.Equal(p.CreatedAt) {
			t.Errorf("updated %+v", got)
		}
		if loaded, _ := person.Get(ctx, db, p.ID); loaded.Phone != "" || loaded.NameEN != "Zhang Wei" {
			t.Errorf("loaded after update %+v", loaded)
		}
		// The search text follows the change.
		if list, _, _ := person.List(ctx, db, person.ListFilter{Query: "13800001111"}); len(list) != 0 {
			t.Errorf("old phone still finds %v", list)
		}

		before, _ := person.Get(ctx, db, p.ID)
		refused := []struct {
			name       string
			edit       func(*person.Input)
			field, key string
		}{
			{"staff number of another", func(in *person.Input) { in.StaffNumber = "H2" }, "staff_number", "error.duplicate"},
			// Moving to another institution while keeping the department.
			{"department left behind", func(in *person.Input) { in.InstitutionID = f.other.ID }, "department_id", "error.department_mismatch"},
			{"name removed", func(in *person.Input) { in.NameZH, in.NameEN = "", "" }, "name_zh", "error.name_required"},
		}
		for _, tt := range refused {
			in := inputOf(before)
			in.Category = "nurse" // a valid change that must not be kept either
			tt.edit(&in)
			_, err := update(db, p.ID, in)
			wantFieldError(t, err, tt.field, tt.key)
			if after, _ := person.Get(ctx, db, p.ID); after != before {
				t.Errorf("%s: after refused update %+v, want %+v", tt.name, after, before)
			}
		}

		// Keeping its own staff number is no duplicate; an unchanged input
		// writes no audit entry.
		if _, err := update(db, p.ID, inputOf(before)); err != nil {
			t.Errorf("unchanged update: %v", err)
		}
		entries, _, err := audit.List(ctx, db, audit.Filter{Entity: "person", EntityID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "update" || !strings.Contains(entries[0].Before, `"title":"none"`) ||
			!strings.Contains(entries[0].After, `"title":"senior"`) {
			t.Errorf("audit entries %+v, want create and one update", entries)
		}

		moved := inputOf(before)
		moved.InstitutionID, moved.DepartmentID = f.other.ID, f.other1.ID
		if got, err := update(db, p.ID, moved); err != nil || got.InstitutionID != f.other.ID {
			t.Errorf("move to the other hospital: %+v, %v", got, err)
		}

		if _, err := update(db, 999, in); !errors.Is(err, person.ErrNotFound) {
			t.Errorf("update missing: got %v, want ErrNotFound", err)
		}
	})
}

// TestStaffNumberRace has a second transaction add the staff number a first
// one has written but not committed. On PostgreSQL the check cannot see the
// uncommitted row, so the unique index refuses the insert; on SQLite the
// second writer waits and the check refuses it. Both must give the same
// field error.
func TestStaffNumberRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		in := person.Input{NameZH: "张伟", InstitutionID: f.hospital.ID, StaffNumber: "H9"}
		written, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- db.InTx(ctx, func(tx *store.Tx) error {
				if _, err := person.Create(ctx, tx, actor, in); err != nil {
					close(written)
					return err
				}
				close(written)
				<-release
				return nil
			})
		}()
		<-written
		second := make(chan error, 1)
		go func() {
			_, err := create(db, in)
			second <- err
		}()
		time.Sleep(100 * time.Millisecond) // let the second reach its insert
		close(release)
		if err := <-first; err != nil {
			t.Fatalf("first create: %v", err)
		}
		wantFieldError(t, <-second, "staff_number", "error.duplicate")
	})
}
