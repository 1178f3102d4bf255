package person_test

import (
	"context"
	"slices"
	"testing"

	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func names(list []person.Person) []string {
	out := []string{}
	for _, p := range list {
		out = append(out, p.Name("zh-CN"))
	}
	return out
}

func TestList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		for _, in := range []person.Input{
			{NameZH: "张伟", Category: "physician", Title: "senior", InstitutionID: f.hospital.ID, DepartmentID: f.cardiology.ID, StaffNumber: "b20", Email: "zw@hx.cn"},
			{NameZH: "王芳", Category: "nurse", Title: "intermediate", InstitutionID: f.hospital.ID, DepartmentID: f.cardiology.ID, StaffNumber: "B3"},
			{NameZH: "李娜", Category: "physician", Title: "junior", InstitutionID: f.hospital.ID, DepartmentID: f.anaesthesia.ID, StaffNumber: "a1", Phone: "13912345678"},
			{NameZH: "曾伟", Category: "resident", InstitutionID: f.hospital.ID},
			{NameEN: "John Smith", Category: "physician", Title: "senior", InstitutionID: f.other.ID, StaffNumber: "50%_x"},
			{NameZH: "章伟", Category: "student", InstitutionID: f.other.ID},
		} {
			mustCreate(t, db, in)
		}
		hospital, other := f.hospital.ID, f.other.ID
		tests := []struct {
			name      string
			filter    person.ListFilter
			want      []string
			wantTotal int
		}{
			// john < li < wang < zeng < zhang (张伟, then 章伟 by id)
			{"by pinyin", person.ListFilter{}, []string{"John Smith", "李娜", "王芳", "曾伟", "张伟", "章伟"}, 6},
			{"reversed", person.ListFilter{Sort: "-name", Limit: 3}, []string{"章伟", "张伟", "曾伟"}, 6},
			{"page two", person.ListFilter{Limit: 2, Offset: 2}, []string{"王芳", "曾伟"}, 6},
			{"last page", person.ListFilter{Limit: 4, Offset: 4}, []string{"张伟", "章伟"}, 6},
			{"offset only", person.ListFilter{Offset: 5}, []string{"章伟"}, 6},
			{"beyond", person.ListFilter{Limit: 10, Offset: 10}, []string{}, 6},
			// Byte order, numbers first, no number last.
			{"staff number", person.ListFilter{Sort: "staff_number"}, []string{"John Smith", "王芳", "李娜", "张伟", "曾伟", "章伟"}, 6},
			{"created", person.ListFilter{Sort: "created", Limit: 2}, []string{"张伟", "王芳"}, 6},
			{"newest", person.ListFilter{Sort: "-created", Limit: 1}, []string{"章伟"}, 6},
			{"pinyin", person.ListFilter{Query: "zhang"}, []string{"张伟", "章伟"}, 2},
			{"initials", person.ListFilter{Query: "zw"}, []string{"曾伟", "张伟", "章伟"}, 3},
			{"character", person.ListFilter{Query: "张"}, []string{"张伟"}, 1},
			{"surname reading", person.ListFilter{Query: "zengwei"}, []string{"曾伟"}, 1},
			{"english", person.ListFilter{Query: "SMITH"}, []string{"John Smith"}, 1},
			{"staff number search", person.ListFilter{Query: "B2"}, []string{"张伟"}, 1},
			{"wildcards are literal", person.ListFilter{Query: "0%_"}, []string{"John Smith"}, 1},
			{"phone search", person.ListFilter{Query: "5678"}, []string{"李娜"}, 1},
			{"email search", person.ListFilter{Query: "zw@"}, []string{"张伟"}, 1},
			{"blank query", person.ListFilter{Query: "  "}, []string{"John Smith", "李娜", "王芳", "曾伟", "张伟", "章伟"}, 6},
			{"institution", person.ListFilter{InstitutionID: other}, []string{"John Smith", "章伟"}, 2},
			{"department", person.ListFilter{DepartmentID: f.cardiology.ID}, []string{"王芳", "张伟"}, 2},
			{"category", person.ListFilter{Category: "physician"}, []string{"John Smith", "李娜", "张伟"}, 3},
			{"title", person.ListFilter{Title: "senior", InstitutionID: hospital}, []string{"张伟"}, 1},
			{"scope nil", person.ListFilter{InstitutionIDs: nil, Category: "student"}, []string{"章伟"}, 1},
			{"scope empty", person.ListFilter{InstitutionIDs: []int64{}}, []string{}, 0},
			{"scope one", person.ListFilter{InstitutionIDs: []int64{other}}, []string{"John Smith", "章伟"}, 2},
			{"scope both", person.ListFilter{InstitutionIDs: []int64{other, hospital}, Limit: 1}, []string{"John Smith"}, 6},
			{"scope and search", person.ListFilter{InstitutionIDs: []int64{other}, Query: "wei"}, []string{"章伟"}, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := person.List(ctx, db, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(list); !slices.Equal(got, tt.want) || total != tt.wantTotal {
					t.Errorf("got %q (total %d), want %q (total %d)", got, total, tt.want, tt.wantTotal)
				}
			})
		}
		_, _, err := person.List(ctx, db, person.ListFilter{Sort: "phone"})
		wantFieldError(t, err, "sort", "error.invalid_choice")
	})
}

func TestFindByIdentifiers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		zhang := mustCreate(t, db, person.Input{NameZH: "张伟", NameEN: "Zhang Wei", InstitutionID: f.hospital.ID, StaffNumber: "H001", Phone: "13800001111"})
		zhang2 := mustCreate(t, db, person.Input{NameZH: "张伟", InstitutionID: f.hospital.ID, Email: "wei.zhang@hx.cn"})
		li := mustCreate(t, db, person.Input{NameZH: "李娜", InstitutionID: f.hospital.ID, StaffNumber: "H002", Phone: "+8613900002222"})
		outside := mustCreate(t, db, person.Input{NameZH: "王芳", InstitutionID: f.other.ID, StaffNumber: "H001"})

		ids := func(ps []person.Person) []int64 {
			var out []int64
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		identifiers := []string{"H001", "13800001111", "139 0000 2222", "WEI.ZHANG@HX.CN", "张伟", "zhang wei", " 李娜 ", "nobody", "", "H001"}
		tests := []struct {
			name  string
			scope []int64
			want  map[string][]int64
		}{
			{"everyone", nil, map[string][]int64{
				"H001":            {outside.ID, zhang.ID}, // the same staff number in two hospitals; wang < zhang
				"13800001111":     {zhang.ID},
				"139 0000 2222":   {li.ID}, // stored with +86
				"WEI.ZHANG@HX.CN": {zhang2.ID},
				"张伟":              {zhang.ID, zhang2.ID}, // ambiguous
				"zhang wei":       {zhang.ID},
				" 李娜 ":            {li.ID},
			}},
			{"one hospital", []int64{f.other.ID}, map[string][]int64{"H001": {outside.ID}}},
			{"no one", []int64{}, map[string][]int64{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				found, err := person.FindByIdentifiers(ctx, db, tt.scope, identifiers)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string][]int64{}
				for k, ps := range found {
					got[k] = ids(ps)
				}
				if len(got) != len(tt.want) {
					t.Errorf("found %v, want %v", got, tt.want)
				}
				for k, want := range tt.want {
					if !slices.Equal(got[k], want) {
						t.Errorf("identifier %q found %v, want %v", k, got[k], want)
					}
				}
			})
		}
	})
}

// TestFindManyIdentifiers crosses the chunk boundary of the lookup.
func TestFindManyIdentifiers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		var identifiers []string
		for i := range 450 {
			identifiers = append(identifiers, "S"+string(rune('A'+i%26))+string(rune('a'+i/26)))
		}
		last := mustCreate(t, db, person.Input{NameZH: "李娜", InstitutionID: f.hospital.ID, StaffNumber: identifiers[449]})
		first := mustCreate(t, db, person.Input{NameZH: "王芳", InstitutionID: f.hospital.ID, StaffNumber: identifiers[0]})
		found, err := person.FindByIdentifiers(ctx, db, nil, identifiers)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 2 || len(found[identifiers[0]]) != 1 || found[identifiers[0]][0].ID != first.ID ||
			len(found[identifiers[449]]) != 1 || found[identifiers[449]][0].ID != last.ID {
			t.Errorf("found %v, want the first and the last identifier", found)
		}
	})
}
