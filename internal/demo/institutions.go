package demo

import (
	"context"
	"fmt"

	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
)

// builder loads the demo records in one transaction, remembering ids by a
// short handle so later records can refer to earlier ones.
type builder struct {
	ctx context.Context
	tx  *store.Tx
	ids map[string]int64
}

type demoInstitution struct {
	handle, parent string
	kind           institution.Kind
	zh, en         string
	country        string
	region, city   string
	founded        int
	grade          institution.Grade
	departments    [][2]string
}

// institutions come from the five context pages; partners abroad are a few
// of the university's real partners, enough to try the pages (the agreements
// issue records all 67).
var institutions = []demoInstitution{
	{handle: "cqmu", kind: "university", zh: "重庆医科大学", en: "Chongqing Medical University", country: "CN", region: "重庆", city: "重庆", founded: 1956,
		departments: [][2]string{{"国际合作与交流处", "Office of International Cooperation and Exchanges"}, {"教务处", "Office of Academic Affairs"}, {"继续教育学院", "School of Continuing Education"}}},
	{handle: "cqmu-bme", parent: "cqmu", kind: "college", zh: "重庆医科大学生物医学工程学院", en: "College of Biomedical Engineering, Chongqing Medical University", country: "CN", region: "重庆", city: "重庆", founded: 2002,
		departments: [][2]string{{"生物医学工程系", "Department of Biomedical Engineering"}, {"超声医学工程国家重点实验室", "State Key Laboratory of Ultrasound in Medicine and Engineering"}}},
	{handle: "cqhcwc", grade: "tertiary", parent: "cqmu", kind: "affiliated_hospital", zh: "重庆市妇幼保健院（重庆医科大学附属妇女儿童医院）", en: "Chongqing Health Center for Women and Children (Women and Children's Hospital of Chongqing Medical University)", country: "CN", region: "重庆", city: "重庆",
		departments: [][2]string{{"科教部", "Academic Affairs Department"}, {"妇科", "Gynaecology"}, {"产科", "Obstetrics"}, {"儿科", "Paediatrics"}, {"公共卫生科", "Public Health"}, {"临床技能中心", "Clinical Skills Center"}}},
	{handle: "zju1h", grade: "tertiary", kind: "hospital", zh: "浙江大学医学院附属第一医院", en: "The First Affiliated Hospital, Zhejiang University School of Medicine", country: "CN", region: "浙江", city: "杭州",
		departments: [][2]string{{"继续医学教育办公室", "CME Office"}, {"肝胆胰外科", "Hepatobiliary and Pancreatic Surgery"}, {"感染病科", "Infectious Diseases"}, {"心内科", "Cardiology"}, {"呼吸内科", "Respiratory Medicine"}, {"急诊科", "Emergency Medicine"}, {"护理部", "Nursing Department"}, {"检验科", "Laboratory Medicine"}, {"药剂科", "Pharmacy"}}},
	{handle: "scu", kind: "outside_university", zh: "四川大学", en: "Sichuan University", country: "CN", region: "四川", city: "成都"},
	{handle: "scu-wcsph", parent: "scu", kind: "college", zh: "四川大学华西公共卫生学院", en: "West China School of Public Health, Sichuan University", country: "CN", region: "四川", city: "成都"},
	{handle: "scu-wc4h", grade: "tertiary", parent: "scu", kind: "outside_hospital", zh: "四川大学华西第四医院", en: "West China Fourth Hospital, Sichuan University", country: "CN", region: "四川", city: "成都"},
	{handle: "xjtu", kind: "outside_university", zh: "西安交通大学", en: "Xi'an Jiaotong University", country: "CN", region: "陕西", city: "西安"},
	{handle: "xjtu-1h", grade: "tertiary", parent: "xjtu", kind: "outside_hospital", zh: "西安交通大学第一附属医院", en: "The First Affiliated Hospital of Xi'an Jiaotong University", country: "CN", region: "陕西", city: "西安"},
	{handle: "nwu", kind: "outside_university", zh: "西北大学", en: "Northwest University", country: "CN", region: "陕西", city: "西安"},
	{handle: "nwmch", grade: "tertiary", kind: "outside_hospital", zh: "西北妇女儿童医院", en: "Northwest Maternal and Child Health Hospital", country: "CN", region: "陕西", city: "西安"},
	{handle: "zju-ism", kind: "outside_university", zh: "浙江大学国际医学院", en: "Zhejiang University International School of Medicine", country: "CN", region: "浙江", city: "义乌"},
	{handle: "nus", kind: "outside_university", zh: "新加坡国立大学", en: "National University of Singapore", country: "SG", city: "Singapore"},
	{handle: "nus-med", parent: "nus", kind: "college", zh: "新加坡国立大学杨潞龄医学院", en: "NUS Yong Loo Lin School of Medicine", country: "SG", city: "Singapore"},
	{handle: "uol", kind: "outside_university", zh: "利物浦大学", en: "University of Liverpool", country: "GB", region: "England", city: "Liverpool"},
	{handle: "ucl", kind: "outside_university", zh: "伦敦大学学院", en: "University College London", country: "GB", region: "England", city: "London"},
	{handle: "pitt", kind: "outside_university", zh: "匹兹堡大学", en: "University of Pittsburgh", country: "US", region: "Pennsylvania", city: "Pittsburgh"},
	{handle: "uq", kind: "outside_university", zh: "昆士兰大学", en: "The University of Queensland", country: "AU", region: "Queensland", city: "Brisbane"},
	{handle: "nhc", kind: "government_body", zh: "国家卫生健康委员会", en: "National Health Commission", country: "CN", region: "北京", city: "北京"},
	{handle: "cmeb", kind: "society", zh: "全国继续医学教育委员会", en: "National Committee for Continuing Medical Education", country: "CN", region: "北京", city: "北京"},
}

func (b *builder) loadInstitutions() error {
	for _, d := range institutions {
		in := institution.Input{Kind: d.kind, NameZH: d.zh, NameEN: d.en, ParentID: b.ids[d.parent],
			Country: d.country, Region: d.region, City: d.city, Founded: d.founded, TimeZone: zoneOf(d.country), Grade: d.grade}
		inst, err := institution.Create(b.ctx, b.tx, actor, in)
		if err != nil {
			return fmt.Errorf("institution %s: %w", d.handle, err)
		}
		b.ids[d.handle] = inst.ID
		for _, name := range d.departments {
			dept, err := institution.CreateDepartment(b.ctx, b.tx, actor, inst.ID, institution.DepartmentInput{NameZH: name[0], NameEN: name[1]})
			if err != nil {
				return fmt.Errorf("department %s/%s: %w", d.handle, name[1], err)
			}
			b.ids[d.handle+"/"+name[1]] = dept.ID
		}
	}
	return nil
}

func zoneOf(country string) string {
	switch country {
	case "SG":
		return "Asia/Singapore"
	case "GB":
		return "Europe/London"
	case "US":
		return "America/New_York"
	case "AU":
		return "Australia/Brisbane"
	}
	return "Asia/Shanghai"
}
