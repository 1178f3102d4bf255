package institution_test

import (
	"context"
	"slices"
	"testing"

	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		byName := map[string]int64{}
		for _, in := range []institution.Input{
			{Kind: institution.University, NameZH: "浙江大学", NameEN: "Zhejiang University", Country: "CN", City: "杭州"},
			{Kind: institution.Hospital, NameZH: "北京协和医院", Country: "CN", City: "北京"},
			{Kind: institution.OutsideUniversity, NameEN: "University of Oxford", Country: "GB", City: "Oxford"},
			{Kind: institution.OutsideHospital, NameEN: "Mayo Clinic", Country: "US", City: "Rochester"},
			{Kind: institution.OutsideHospital, NameEN: "Royal Melbourne Hospital", Country: "AU"},
			{Kind: institution.Society, NameZH: "中华医学会", Country: "CN"},
		} {
			i := create(t, db, in)
			byName[i.Name("en")] = i.ID
		}
		child := create(t, db, institution.Input{Kind: institution.College, NameZH: "浙江大学医学院", ParentID: byName["Zhejiang University"]})
		byName["浙江大学医学院"] = child.ID

		names := func(list []institution.Institution) []string {
			out := []string{}
			for _, i := range list {
				out = append(out, i.Name("en"))
			}
			return out
		}
		tests := []struct {
			name      string
			filter    institution.ListFilter
			want      []string
			wantTotal int
		}{
			{"all by pinyin and english", institution.ListFilter{},
				[]string{"北京协和医院", "Mayo Clinic", "Royal Melbourne Hospital", "University of Oxford", "Zhejiang University", "浙江大学医学院", "中华医学会"}, 7},
			{"reversed", institution.ListFilter{Sort: "-name", Limit: 2},
				[]string{"中华医学会", "浙江大学医学院"}, 7},
			{"second page", institution.ListFilter{Limit: 3, Offset: 3},
				[]string{"University of Oxford", "Zhejiang University", "浙江大学医学院"}, 7},
			{"offset without limit", institution.ListFilter{Offset: 5},
				[]string{"浙江大学医学院", "中华医学会"}, 7},
			{"past the end", institution.ListFilter{Limit: 3, Offset: 30}, []string{}, 7},
			{"by creation", institution.ListFilter{Sort: "created", Limit: 2},
				[]string{"Zhejiang University", "北京协和医院"}, 7},
			{"newest first", institution.ListFilter{Sort: "-created", Limit: 1},
				[]string{"浙江大学医学院"}, 7},
			{"by country", institution.ListFilter{Sort: "country", Limit: 3},
				[]string{"浙江大学医学院", "Royal Melbourne Hospital", "北京协和医院"}, 7},
			{"pinyin search", institution.ListFilter{Query: "xiehe"}, []string{"北京协和医院"}, 1},
			{"initials search", institution.ListFilter{Query: "zjdx"}, []string{"Zhejiang University", "浙江大学医学院"}, 2},
			{"city search", institution.ListFilter{Query: "hangzhou"}, []string{"Zhejiang University"}, 1},
			{"english search", institution.ListFilter{Query: "  OXFORD "}, []string{"University of Oxford"}, 1},
			{"search finding nothing", institution.ListFilter{Query: "100%"}, []string{}, 0},
			{"kind", institution.ListFilter{Kind: "outside_hospital"}, []string{"Mayo Clinic", "Royal Melbourne Hospital"}, 2},
			{"country", institution.ListFilter{Country: "cn", Limit: 1}, []string{"北京协和医院"}, 3},
			{"europe", institution.ListFilter{Continent: geo.Europe}, []string{"University of Oxford"}, 1},
			{"oceania", institution.ListFilter{Continent: geo.Oceania}, []string{"Royal Melbourne Hospital"}, 1},
			{"unknown continent", institution.ListFilter{Continent: "atlantis"}, []string{}, 0},
			{"children", institution.ListFilter{ParentID: byName["Zhejiang University"]}, []string{"浙江大学医学院"}, 1},
			{"scope nil is everything", institution.ListFilter{IDs: nil, Kind: "society"}, []string{"中华医学会"}, 1},
			{"empty scope is nothing", institution.ListFilter{IDs: []int64{}}, []string{}, 0},
			{"some scope", institution.ListFilter{IDs: []int64{byName["Mayo Clinic"], byName["中华医学会"], 999}},
				[]string{"Mayo Clinic", "中华医学会"}, 2},
			{"scope and search", institution.ListFilter{IDs: []int64{byName["Mayo Clinic"]}, Query: "zhong"}, []string{}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := institution.List(ctx, db, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(list); !slices.Equal(got, tt.want) || total != tt.wantTotal {
					t.Errorf("got %q (total %d), want %q (total %d)", got, total, tt.want, tt.wantTotal)
				}
			})
		}

		_, _, err := institution.List(ctx, db, institution.ListFilter{Sort: "name; DROP TABLE institutions"})
		wantFieldError(t, err, "sort", "error.invalid_choice")
	})
}
