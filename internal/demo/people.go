package demo

import (
	"fmt"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/person"
)

// namedPeople appear in the context pages; their Chinese characters are not
// given there, so only their pinyin names are recorded.
var namedPeople = []struct {
	handle, en, inst, dept, title, category string
}{
	{"wang-yu", "Wang Yu", "cqmu", "Office of International Cooperation and Exchanges", "senior", "administrator"},
	{"ding-shiwen", "Ding Shiwen", "cqmu", "", "associate_senior", "teacher"},
	{"wu-yuting", "Wu Yuting", "cqmu", "", "intermediate", "teacher"},
	{"zhou-pingyuan", "Zhou Pingyuan", "cqmu-bme", "", "senior", "administrator"},
	{"li-fang", "Li Fang", "cqhcwc", "", "senior", "administrator"},
	{"luo-qian", "Luo Qian", "cqhcwc", "Academic Affairs Department", "associate_senior", "administrator"},
}

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"}
	given    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "文", "华", "红", "丹", "浩", "宇", "欣", "怡", "婷", "晨"}
)

// staffPlan says how many generated staff each department of the Hangzhou
// hospital gets, and of which category; the CME work of the next issues
// enrols them.
var staffPlan = []struct {
	dept     string
	category string
	count    int
}{
	{"Hepatobiliary and Pancreatic Surgery", "physician", 40},
	{"Infectious Diseases", "physician", 35},
	{"Cardiology", "physician", 30},
	{"Respiratory Medicine", "physician", 30},
	{"Emergency Medicine", "resident", 45},
	{"Nursing Department", "nurse", 60},
	{"Laboratory Medicine", "technician", 25},
	{"Pharmacy", "pharmacist", 15},
	{"CME Office", "administrator", 6},
}

var titlesByRank = []string{"junior", "junior", "intermediate", "intermediate", "associate_senior", "senior"}

func (b *builder) loadPeople() error {
	for _, p := range namedPeople {
		in := person.Input{NameEN: p.en, Gender: "unknown", Title: p.title, Category: p.category,
			InstitutionID: b.ids[p.inst], DepartmentID: b.ids[p.inst+"/"+p.dept]}
		per, err := person.Create(b.ctx, b.tx, actor, in)
		if err != nil {
			return fmt.Errorf("person %s: %w", p.handle, err)
		}
		b.ids["person/"+p.handle] = per.ID
	}
	n := 0
	for _, plan := range staffPlan {
		for i := 0; i < plan.count; i++ {
			n++
			in := person.Input{
				NameZH:        demoName(n),
				Gender:        []string{"female", "male"}[n%2],
				Title:         titlesByRank[(n*5)%len(titlesByRank)],
				Category:      plan.category,
				InstitutionID: b.ids["zju1h"],
				DepartmentID:  b.ids["zju1h/"+plan.dept],
				StaffNumber:   fmt.Sprintf("Z%05d", n),
				Phone:         fmt.Sprintf("1380571%04d", n),
			}
			if plan.category == "resident" {
				in.Title = "junior"
			}
			per, err := person.Create(b.ctx, b.tx, actor, in)
			if err != nil {
				return fmt.Errorf("staff %d: %w", n, err)
			}
			if i == 0 {
				b.ids["staff/"+plan.dept] = per.ID
			}
		}
	}
	return nil
}

// demoAccounts: one per role. The Hangzhou hospital runs CME; the
// university's partnership office keeps its partners.
var demoAccounts = []struct {
	role        account.Role
	email, name string
	person      string // handle of the account's person, if any
	scope, dept string
}{
	{account.Admin, "admin@demo.meded.cn", "系统管理员", "", "", ""},
	{account.EducationOffice, "cme-office@demo.meded.cn", "继续医学教育办公室", "staff/CME Office", "zju1h", ""},
	{account.DepartmentReviewer, "reviewer@demo.meded.cn", "科室审核人", "staff/Infectious Diseases", "", "zju1h/Infectious Diseases"},
	{account.ProjectDirector, "director@demo.meded.cn", "项目负责人", "staff/Hepatobiliary and Pancreatic Surgery", "zju1h", ""},
	{account.Lecturer, "lecturer@demo.meded.cn", "授课教师", "staff/Cardiology", "zju1h", ""},
	{account.PartnershipOffice, "partnership@demo.meded.cn", "Wang Yu", "person/wang-yu", "cqmu", ""},
	{account.Learner, "learner@demo.meded.cn", "住院医师", "staff/Emergency Medicine", "", ""},
	{account.Auditor, "auditor@demo.meded.cn", "审计员", "", "", ""},
}

func (b *builder) loadAccounts() error {
	for _, a := range demoAccounts {
		g := account.Grant{Role: a.role, InstitutionID: b.ids[a.scope], DepartmentID: b.ids[a.dept]}
		_, err := account.Create(b.ctx, b.tx, actor, account.NewAccount{
			PersonID: b.ids[a.person], Email: a.email, DisplayName: a.name, Password: Password, Grants: []account.Grant{g},
		})
		if err != nil {
			return fmt.Errorf("account %s: %w", a.email, err)
		}
	}
	return nil
}

// pendingRegistrations are outside learners waiting for the office's review.
var pendingRegistrations = []account.RegistrationInput{
	{NameZH: "秦雨", Email: "qinyu@county-hospital.example", Phone: "13905810001", InstitutionName: "淳安县第一人民医院", Category: "physician", Title: "intermediate"},
	{NameEN: "Nguyen Van An", Email: "an.nguyen@hospital.example", InstitutionName: "Bach Mai Hospital", Category: "physician", Title: "junior"},
}

func (b *builder) loadRegistrations() error {
	for _, in := range pendingRegistrations {
		in.InstitutionID, in.Password = b.ids["zju1h"], Password
		if _, err := account.Register(b.ctx, b.tx, in); err != nil {
			return fmt.Errorf("registration %s: %w", in.Email, err)
		}
	}
	return nil
}

func (b *builder) load() error {
	for _, step := range []func() error{b.loadInstitutions, b.loadPeople, b.loadAccounts, b.loadRegistrations, b.loadCME, b.loadSeries, b.loadCheckIn, b.loadFaculty, b.loadPartnerships, b.loadFurtherStudy, b.loadSelfReports} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// demoName makes the nth staff member's name: a common surname and a one- or
// two-character given name, spread so that few names repeat.
func demoName(n int) string {
	h := uint32(n)*2654435761 + 12345 // Knuth's multiplicative hash: deterministic, well spread
	name := surnames[h%uint32(len(surnames))] + given[(h>>8)%uint32(len(given))]
	if (h>>16)%3 != 0 {
		name += given[(h>>20)%uint32(len(given))]
	}
	return name
}
