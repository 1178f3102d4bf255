package audit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestRecordMasksSensitiveFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		type person struct {
			Name       string `json:"name"`
			NationalID string `json:"national_id"`
			Phone      string `json:"phone"`
			Password   string `json:"password_hash"`
		}
		before := person{"Li", "500101199001011234", "13800001111", "old"}
		after := person{"Li Fang", "500101199001015678", "13800002222", "new"}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, audit.Actor{Label: "tester", IP: "10.0.0.1"},
				audit.Change{Action: "update", Entity: "person", EntityID: 7, InstitutionID: 3, Before: before, After: after})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, total, err := audit.List(ctx, db, audit.Filter{Entity: "person", InstitutionIDs: []int64{3}})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(got) != 1 {
			t.Fatalf("got %d entries (total %d), want 1", len(got), total)
		}
		e := got[0]
		for _, secret := range []string{"500101199001011234", "500101199001015678", "13800001111", "13800002222", "old", "new"} {
			if strings.Contains(e.Before+e.After, `"`+secret+`"`) {
				t.Errorf("audit log holds %q in full: before %s after %s", secret, e.Before, e.After)
			}
		}
		if !strings.Contains(e.After, `"national_id":"**************5678"`) || !strings.Contains(e.After, `"password_hash":"(changed)"`) {
			t.Errorf("after = %s, want masked national_id and password marked changed", e.After)
		}
		if e.Actor != "tester" || e.IP != "10.0.0.1" || e.EntityID != 7 {
			t.Errorf("entry = %+v", e)
		}
		none, _, err := audit.List(ctx, db, audit.Filter{InstitutionIDs: []int64{}})
		if err != nil || len(none) != 0 {
			t.Errorf("empty scope: got %v, %v; want nothing", none, err)
		}
	})
}
