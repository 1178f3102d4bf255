package demo

import (
	"fmt"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/conference"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/training"
)

// loadFaculty records faculty development training classes and conference delegations.
func (b *builder) loadFaculty() error {
	if err := b.loadBackboneClass(); err != nil {
		return fmt.Errorf("demo: training class: %w", err)
	}
	if err := b.loadDelegations(); err != nil {
		return fmt.Errorf("demo: delegations: %w", err)
	}
	return nil
}

// backboneCohort is where the 49 backbone teachers of page 000 come from:
// "the university and its affiliated hospitals". The page gives no split,
// so the demo spreads them over the university, its college and the
// affiliated hospital it holds.
var backboneCohort = []struct {
	inst  string
	count int
}{{"cqmu", 27}, {"cqmu-bme", 6}, {"cqhcwc", 16}}

// backboneItems is the class's schedule: the page names the form ("special
// lectures + on-site teaching + discussion and exchange"), the lecture
// topics, the two visits and the two discussion topics, and the four
// institutions the experts came from, but neither the experts' names nor
// the times, so each expert is recorded as an expert of their institution
// and each item as a half day (3 hours).
var backboneItems = []struct {
	day, start, format, topic, venue, expert, inst string
}{
	{"2025-04-21", "08:30", "lecture", "师德师风 · Teacher ethics and conduct", "西安交通大学", "西安交通大学专家", "Xi'an Jiaotong University"},
	{"2025-04-21", "14:00", "lecture", "高校管理创新 · Innovation in university management", "西安交通大学", "西安交通大学专家", "Xi'an Jiaotong University"},
	{"2025-04-22", "08:30", "lecture", "临床科研与创新 · Clinical scientific research and innovation", "西安交通大学第一附属医院", "西安交通大学第一附属医院专家", "The First Affiliated Hospital of Xi'an Jiaotong University"},
	{"2025-04-22", "14:00", "lecture", "教学方法创新 · Innovation in teaching methods", "西北大学", "西北大学专家", "Northwest University"},
	{"2025-04-23", "08:30", "site_visit", "西迁博物馆 · Museum of Westward Relocation", "西安交通大学西迁博物馆", "西安交通大学专家", "Xi'an Jiaotong University"},
	{"2025-04-24", "08:30", "on_site_teaching", "智慧医疗与多学科协作诊疗 · Smart medical services and multi-disciplinary collaboration", "西北妇女儿童医院", "西北妇女儿童医院专家", "Northwest Maternal and Child Health Hospital"},
	{"2025-04-25", "08:30", "discussion_exchange", "学生心理危机预防与干预的策略与实践 · Strategies and Practices for Preventing and Intervening in Student Psychological Crises", "西安交通大学", "", ""},
	{"2025-04-25", "14:00", "discussion_exchange", "人工智能驱动的医学教育数字化转型范式探索 · Exploring the Paradigm of Digital Transformation of Medical Education Driven by Artificial Intelligence", "西安交通大学", "", ""},
}

// loadBackboneClass records page 000: the 2025 training class for backbone
// teachers held at Xi'an Jiaotong University from 20 to 26 April, 49
// teachers attending every item and completing.
func (b *builder) loadBackboneClass() error {
	head, err := person.Create(b.ctx, b.tx, actor, person.Input{NameZH: demoName(2000), Gender: "unknown", Title: "senior",
		Category: "administrator", InstitutionID: b.ids["cqmu"], DepartmentID: b.ids["cqmu/Office of Academic Affairs"], StaffNumber: "CQT0000"})
	if err != nil {
		return err
	}
	var list string
	n := 0
	for _, part := range backboneCohort {
		for i := 0; i < part.count; i++ {
			n++
			staff := fmt.Sprintf("CQT%04d", n)
			_, err := person.Create(b.ctx, b.tx, actor, person.Input{NameZH: demoName(2000 + n), Gender: []string{"female", "male"}[n%2],
				Title: titlesByRank[2+n%4], Category: "teacher", InstitutionID: b.ids[part.inst], StaffNumber: staff})
			if err != nil {
				return err
			}
			list += staff + "\n"
		}
	}
	c, err := training.Create(b.ctx, b.tx, actor, training.Input{
		TitleZH: "重庆医科大学2025年骨干教师综合能力提升培训班", TitleEN: "Chongqing Medical University 2025 Training Class for Backbone Teachers to Improve Comprehensive Abilities",
		InstitutionID: b.ids["cqmu"], DepartmentID: b.ids["cqmu/Office of Academic Affairs"], DirectorID: head.ID,
		HostInstitutionID: b.ids["xjtu"], OrganiserZH: "重庆医科大学", OrganiserEN: "Chongqing Medical University",
		ThemeZH:  "专题讲座 + 现场教学 + 研讨交流：师德师风、高校管理创新、临床科研创新、教学方法创新",
		ThemeEN:  "Special lectures, on-site teaching, discussion and exchange: teacher ethics, university management, clinical research, teaching methods",
		Audience: "骨干教师 · backbone teachers", StartDate: "2025-04-20", EndDate: "2025-04-26",
		PlannedHours: fmt.Sprint(3 * len(backboneItems)), MinAttendancePct: 80})
	if err != nil {
		return err
	}
	var sessions []int64
	for _, it := range backboneItems {
		start := it.day + "T" + it.start
		end := it.day + "T" + map[string]string{"08:30": "11:30", "14:00": "17:00"}[it.start]
		in := session.Input{StartsAt: start, EndsAt: end, Venue: it.venue, Format: it.format, Hours: "3", Topic: it.topic}
		if it.expert != "" {
			in.Lecturers = []session.Lecturer{{GuestName: it.expert, GuestInstitution: it.inst}}
		}
		s, err := session.Create(b.ctx, b.tx, actor, c.ID, in)
		if err != nil {
			return err
		}
		sessions = append(sessions, s.ID)
	}
	lines, err := enrolment.EnrolList(b.ctx, b.tx, actor, c.ID, nil, list)
	if err != nil {
		return err
	}
	if _, err := activity.Transition(b.ctx, b.tx, actor, c.ID, "submit", ""); err != nil {
		return err
	}
	// Level none takes any code; this one is the demo's own file number.
	if _, err := activity.Approve(b.ctx, b.tx, actor, c.ID, activity.Approval{Code: "CQMU-TC-2025-01"}); err != nil {
		return err
	}
	if _, err := activity.Transition(b.ctx, b.tx, actor, c.ID, "start", ""); err != nil {
		return err
	}
	for _, l := range lines {
		for _, s := range sessions {
			if err := attendance.Set(b.ctx, b.tx, actor, s, l.PersonID, true, "manual"); err != nil {
				return err
			}
		}
	}
	if _, err := completion.Close(b.ctx, b.tx, actor, c.ID, ""); err != nil {
		return err
	}
	b.ids["class/backbone-2025"] = c.ID
	return nil
}

// loadDelegations records page 001: the university's delegation to APMEC
// 2026 in Yiwu (23–24 January, about 1,400 participants from more than 30
// countries) with Wang Yu's report in the key thematic seminar and the two
// oral presentations of Ding Shiwen and Wu Yuting, and the joint
// Chongqing-Singapore workshop with NUS Medicine of September 2025.
func (b *builder) loadDelegations() error {
	wang, ding, wu := b.ids["person/wang-yu"], b.ids["person/ding-shiwen"], b.ids["person/wu-yuting"]
	apmec, err := conference.Create(b.ctx, b.tx, actor, conference.Input{Kind: "conference",
		TitleZH: "2026亚太医学教育大会", TitleEN: "Asia Pacific Medical Education Conference (APMEC) 2026",
		InstitutionID: b.ids["cqmu"], DirectorID: wang,
		OrganiserZH: "新加坡国立大学杨潞龄医学院、浙江大学国际医学院", OrganiserEN: "NUS Yong Loo Lin School of Medicine and Zhejiang University International School of Medicine",
		City: "义乌 Yiwu", Country: "CN", StartDate: "2026-01-23", EndDate: "2026-01-24",
		// The programme's hours are not on the page: two full days.
		PlannedHours: "16", ExpectedAttendance: 1400,
		// "more than 30 countries": 30 is the floor the page gives.
		Countries: 30})
	if err != nil {
		return err
	}
	for _, p := range []int64{wang, ding, wu} {
		if _, err := conference.AddMember(b.ctx, b.tx, actor, apmec.ID, p); err != nil {
			return err
		}
	}
	// The page does not name a leader; Wang Yu, the director of the office
	// that sent the delegation, stands as its leader.
	if _, err := conference.SetLeader(b.ctx, b.tx, actor, apmec.ID, wang); err != nil {
		return err
	}
	// The two oral presentations are recorded under the topics the page
	// gives, not their exact titles, which it does not.
	for _, x := range []conference.ContributionInput{
		{PersonID: wang, Type: "invited_report", TitleZH: "打破壁垒：中外教育实践中的协同创新",
			TitleEN: "Breaking Barriers: Collaborative Innovation in Sino-Foreign Educational Practice", Session: "重点主题研讨会 · Key thematic seminar"},
		{PersonID: ding, Type: "oral", TitleZH: "医学人文教育的融合", TitleEN: "Integrating medical humanities education"},
		{PersonID: wu, Type: "oral", TitleZH: "培养医学生的全球胜任力", TitleEN: "Building global competence in medical students"},
	} {
		if _, err := conference.AddContribution(b.ctx, b.tx, actor, apmec.ID, x); err != nil {
			return err
		}
	}
	b.ids["conference/apmec-2026"] = apmec.ID

	// The page gives the month (September 2025) but not the days or place
	// of the joint workshop; the demo records the whole month and no city.
	ws, err := conference.Create(b.ctx, b.tx, actor, conference.Input{Kind: "workshop",
		TitleZH: "渝新卫生职业领导力医学教育工作坊", TitleEN: "Chongqing-Singapore Medical Education Workshop for Leadership in Health Professions",
		InstitutionID: b.ids["cqmu"], DirectorID: wang,
		OrganiserZH: "重庆医科大学、新加坡国立大学杨潞龄医学院", OrganiserEN: "Chongqing Medical University and NUS Yong Loo Lin School of Medicine",
		StartDate: "2025-09-01", EndDate: "2025-09-30", PlannedHours: "8", PartnerInstitutionID: b.ids["nus-med"]})
	if err != nil {
		return err
	}
	if _, err := conference.AddMember(b.ctx, b.tx, actor, ws.ID, wang); err != nil {
		return err
	}
	if _, err := conference.SetLeader(b.ctx, b.tx, actor, ws.ID, wang); err != nil {
		return err
	}
	// The page names no presenter: the university's part in the joint
	// workshop is recorded under the office that runs the partnership.
	if _, err := conference.AddContribution(b.ctx, b.tx, actor, ws.ID, conference.ContributionInput{PersonID: wang, Type: "workshop",
		TitleZH: "渝新卫生职业领导力医学教育工作坊", TitleEN: "Chongqing-Singapore Medical Education Workshop for Leadership in Health Professions"}); err != nil {
		return err
	}
	b.ids["conference/cq-sg-workshop-2025"] = ws.ID
	return nil
}
