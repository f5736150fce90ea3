package statement

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Predicates.

func (s *statement) group(lang string) *LanguageGroup {
	for i := range s.st.Groups {
		if s.st.Groups[i].Language == lang {
			return &s.st.Groups[i]
		}
	}
	return nil
}

func (s *statement) isPenholder(lang, member string) bool {
	g := s.group(lang)
	return g != nil && member != "" && slices.Contains(g.Penholders, member)
}

func (s *statement) penholders() []string {
	var out []string
	for _, g := range s.st.Groups {
		out = append(out, g.Penholders...)
	}
	return process.Set(out)
}

// period is the latest comment period, if any.
func (s *statement) period() *CommentPeriod {
	if n := len(s.st.CommentPeriods); n > 0 {
		return &s.st.CommentPeriods[n-1]
	}
	return nil
}

// current is the latest ratification round, if any.
func (s *statement) current() *Ratification {
	if n := len(s.st.Ratifications); n > 0 {
		return &s.st.Ratifications[n-1]
	}
	return nil
}

func (s *statement) findComment(id string) *Comment {
	for i := range s.st.Comments {
		if s.st.Comments[i].ID == id {
			return &s.st.Comments[i]
		}
	}
	return nil
}

// drafting says drafts may still be added and comments answered: the text
// is not under ratification, ratified or closed.
func (s *statement) drafting() bool { return s.st.Consolidation == nil }

// ratified says the latest round ratified the final text.
func (s *statement) ratified() bool {
	r := s.current()
	return r != nil && r.Result != nil && r.Result.Outcome == RatificationRatified
}

func (s *statement) checkOpen() error {
	switch {
	case s.st.Declined != nil:
		return process.InvalidStateCode("statement.declined", "the statement was declined")
	case s.st.Submission != nil:
		return process.InvalidStateCode("statement.submitted", "the statement is submitted")
	}
	return nil
}

// checkMemberOpen refuses an actor who is not a member (with refusal),
// then a transition on a closed statement.
func (s *statement) checkMemberOpen(a workflows.Actor, refusal error) error {
	if strings.TrimSpace(a.MemberID) == "" {
		return refusal
	}
	return s.checkOpen()
}

// Validators and handlers, in the order of the process.

func (s *statement) validatePenholders(_ time.Time, in PenholdersInput) error {
	if err := s.checkMemberOpen(in.Actor, process.ForbiddenCode("statement.members_hold_pen", "only members may hold the pen")); err != nil {
		return err
	}
	if s.group(in.Language) == nil {
		return process.InvalidInputCode("statement.no_group", "language: the statement has no "+strconv.Quote(in.Language)+" group", "Language", in.Language)
	}
	ids := process.Set(in.MemberIDs)
	if len(ids) == 0 || len(ids) > 20 {
		return process.InvalidInputCode("statement.penholders_count", "member_ids: one to 20 members", "Max", 20)
	}
	if !process.IsStaff(in.Actor.Roles) && (len(ids) != 1 || ids[0] != in.Actor.MemberID) {
		return process.ForbiddenCode("statement.volunteer_self", "a member volunteers only themself; staff assign others")
	}
	return nil
}

func (s *statement) addPenholders(_ time.Time, in PenholdersInput) {
	g := s.group(in.Language)
	var added []string
	for _, id := range process.Set(in.MemberIDs) {
		if !slices.Contains(g.Penholders, id) {
			added = append(added, id)
		}
	}
	if len(added) == 0 {
		return
	}
	g.Penholders = process.Set(append(g.Penholders, added...))
	s.audit(in.Actor.MemberID, "statement.penholders", "penholders/"+in.Language+"/"+strings.Join(added, ","), map[string]any{
		"language": in.Language, "added": added, "assigned_by_staff": process.IsStaff(in.Actor.Roles),
	})
}

func (s *statement) validateDraft(now time.Time, in DraftInput) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	g := s.group(in.Language)
	switch {
	case g == nil:
		return process.InvalidInputCode("statement.no_group", "language: the statement has no "+strconv.Quote(in.Language)+" group", "Language", in.Language)
	case !s.isPenholder(in.Language, in.Actor.MemberID):
		return process.ForbiddenCode("statement.draft_penholders_only", "only the penholders of the "+in.Language+" group add versions to its draft",
			"Language", in.Language)
	case !s.drafting():
		return process.InvalidStateCode("statement.drafts_closed", "the final text is under ratification or ratified: drafts are closed")
	}
	if err := process.CheckTextCode("text", "statement.draft_text", in.Text, MaxDraftBytes); err != nil {
		return err
	}
	if s.draftBytes+len(in.Text) > maxDraftTotal {
		return process.InvalidStateCode("statement.drafts_full", fmt.Sprintf("the drafts of this statement have reached their total size of %d bytes", maxDraftTotal),
			"Limit", maxDraftTotal)
	}
	if err := s.draftBudget(in.Actor.MemberID, len(in.Text)); err != nil {
		return err
	}
	if t := in.TranslationOf; t != nil {
		o := s.group(t.Language)
		switch {
		case o == nil || t.Language == in.Language:
			return process.InvalidInputCode("statement.translation_language", "translation_of.language: another language group of this statement")
		case t.Version < 1 || t.Version > len(o.Versions):
			return process.InvalidInputCode("statement.translation_version", "translation_of.version: no such version")
		}
	}
	return nil
}

func (s *statement) draft(now time.Time, in DraftInput) DraftVersion {
	g := s.group(in.Language)
	v := DraftVersion{Language: in.Language, Version: len(g.Versions) + 1, Author: in.Actor.MemberID, CreatedAt: now,
		TranslationOf: process.Clone(in.TranslationOf), SHA256: TextHash(in.Text), Size: len(in.Text), OpenedComments: in.OpenComments}
	g.Versions = append(g.Versions, v)
	g.Latest = v.Version
	s.texts[in.Language] = append(s.texts[in.Language], in.Text)
	s.draftBytes += len(in.Text)
	ref := in.Language + "/" + strconv.Itoa(v.Version)
	s.audit(in.Actor.MemberID, "statement.draft", "draft/"+ref, map[string]any{
		"language": v.Language, "version": v.Version, "sha256": v.SHA256, "size": v.Size, "translation_of": v.TranslationOf,
		"open_comments": in.OpenComments,
	})
	s.effects = append(s.effects, effect{participation: &ParticipationInput{
		MemberID: in.Actor.MemberID, Kind: domain.ActivityDraft, At: now, Ref: WorkflowID(s.in.StatementID) + "/draft/" + ref,
	}})
	if in.OpenComments {
		s.publish(now, in.Actor.MemberID, VersionRef{Language: v.Language, Version: v.Version})
	}
	return v
}

// publish opens a comment period on a version, or adds the version to the
// period already running (whose end does not move).
func (s *statement) publish(now time.Time, by string, ref VersionRef) {
	if p := s.period(); p != nil && now.Before(p.Closes) {
		p.Versions = append(p.Versions, ref)
		s.audit(by, "statement.version_published", "published/"+ref.Language+"/"+strconv.Itoa(ref.Version),
			map[string]any{"language": ref.Language, "version": ref.Version, "closes": p.Closes})
		return
	}
	p := CommentPeriod{Opens: now, Closes: now.Add(s.in.Rules.CommentPeriod.D()), OpenedBy: by, Versions: []VersionRef{ref}}
	s.st.CommentPeriods = append(s.st.CommentPeriods, p)
	n := strconv.Itoa(len(s.st.CommentPeriods))
	s.audit(by, "statement.comment_period", "comments/"+n, map[string]any{
		"language": ref.Language, "version": ref.Version, "opens": p.Opens, "closes": p.Closes,
	})
	s.notify("comments/"+n, "statement.comment_period", s.penholders(), workflows.AudienceAllMembers, map[string]any{"due": p.Closes})
}

// published says a version is open to comments in the running period.
func (s *statement) published(now time.Time, lang string, version int) bool {
	p := s.period()
	return p != nil && now.Before(p.Closes) && slices.Contains(p.Versions, VersionRef{Language: lang, Version: version})
}

func (s *statement) validateComment(now time.Time, in CommentInput) error {
	if err := s.checkMemberOpen(in.Actor, process.ForbiddenCode("statement.members_comment", "only members comment")); err != nil {
		return err
	}
	g := s.group(in.Language)
	switch {
	case g == nil:
		return process.InvalidInputCode("statement.no_group", "language: the statement has no "+strconv.Quote(in.Language)+" group", "Language", in.Language)
	case in.Version < 1 || in.Version > len(g.Versions):
		return process.InvalidInputCode("statement.no_version", "version: no such version", "Version", in.Version)
	case !s.published(now, in.Language, in.Version):
		return process.InvalidStateCode("statement.not_open_for_comments", "this version is not open for comments", "Version", in.Version)
	case len(s.st.Comments) >= maxComments:
		return process.InvalidStateCode("statement.comments_full", "the statement has reached its number of comments", "Max", maxComments)
	}
	if err := s.commentBudget(in.Actor.MemberID); err != nil {
		return err
	}
	if in.ReplyTo != "" && s.findComment(in.ReplyTo) == nil {
		return process.InvalidInputCode("statement.no_reply_to", "reply_to: no such comment")
	}
	return process.CheckTextCode("text", "statement.comment_text", in.Text, maxComment)
}

func (s *statement) comment(now time.Time, in CommentInput) Comment {
	s.nextComment++
	c := Comment{ID: "c" + strconv.Itoa(s.nextComment), Language: in.Language, Version: in.Version, ReplyTo: in.ReplyTo,
		By: in.Actor.MemberID, Text: in.Text, At: now, Status: "open"}
	s.st.Comments = append(s.st.Comments, c)
	s.audit(in.Actor.MemberID, "statement.comment", "comment/"+c.ID, map[string]any{
		"comment_id": c.ID, "language": c.Language, "version": c.Version, "reply_to": c.ReplyTo,
	})
	s.effects = append(s.effects, effect{participation: &ParticipationInput{
		MemberID: in.Actor.MemberID, Kind: domain.ActivityComment, At: now, Ref: WorkflowID(s.in.StatementID) + "/comment/" + c.ID,
	}})
	return c
}

func (s *statement) validateResolve(_ time.Time, in ResolveCommentInput) error {
	c := s.findComment(in.CommentID)
	if c == nil {
		return process.NotFound("no such comment")
	}
	if !s.isPenholder(c.Language, in.Actor.MemberID) {
		return process.ForbiddenCode("statement.resolve_penholders_only", "only the penholders of the "+c.Language+" group answer its comments",
			"Language", c.Language)
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	if !s.drafting() {
		return process.InvalidStateCode("statement.comments_settled", "the final text is published: comments are settled")
	}
	switch in.Status {
	case CommentIncorporated, CommentAnswered, CommentNotAdopted:
	default:
		return process.InvalidInputCode("statement.resolution_status", "status must be incorporated, answered or not_adopted")
	}
	return process.CheckTextCode("reply", "statement.reply", in.Reply, maxComment)
}

func (s *statement) resolve(now time.Time, in ResolveCommentInput) {
	c := s.findComment(in.CommentID)
	c.Status, c.Reply, c.ResolvedBy, c.ResolvedAt = in.Status, in.Reply, in.Actor.MemberID, &now
	s.audit(in.Actor.MemberID, "statement.comment_resolved", "resolved/"+c.ID+"/"+now.Format(time.RFC3339Nano), map[string]any{
		"comment_id": c.ID, "status": c.Status,
	})
}

func (s *statement) validateConsolidate(now time.Time, in ConsolidateInput) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if !slices.ContainsFunc(s.st.Languages, func(l string) bool { return s.isPenholder(l, in.Actor.MemberID) }) &&
		!(s.ownTexts && process.IsStaff(in.Actor.Roles)) {
		return process.ForbiddenCode("statement.consolidate_penholders_only", "only penholders publish the final text")
	}
	// The clock, not the status, decides: the validator may run before
	// the main loop has seen the period end.
	switch p := s.period(); {
	case p == nil:
		return process.InvalidStateCode("statement.no_comment_period", "a member comment period must be held on a published draft first")
	case now.Before(p.Closes):
		return process.InvalidStateCode("statement.comment_period_running", "the comment period is still running until "+p.Closes.Format(time.RFC3339),
			"Closes", p.Closes)
	case !s.drafting():
		return process.InvalidStateCode("statement.already_consolidated", "the final text is already published")
	}
	var open []string
	notAdopted := false
	for _, c := range s.st.Comments {
		switch c.Status {
		case CommentNotAdopted:
			notAdopted = true
		case CommentIncorporated, CommentAnswered:
		default:
			open = append(open, c.ID)
		}
	}
	if len(open) > 0 {
		return process.InvalidStateCode("statement.comments_unanswered", "comments are still unanswered: "+strings.Join(open, ", "),
			"Comments", strings.Join(open, ", "))
	}
	for l := range in.Texts {
		if s.group(l) == nil {
			return process.InvalidInputCode("statement.no_group", "texts: the statement has no "+strconv.Quote(l)+" group", "Language", l)
		}
	}
	for _, l := range s.st.Languages {
		if s.ownTexts && !s.mayWrite(l, in.Actor) {
			if err := s.checkOthersText(l, in.Texts[l]); err != nil {
				return err
			}
			continue
		}
		if err := process.CheckTextCode("texts."+l, "statement.final_text", in.Texts[l], MaxDraftBytes); err != nil {
			return err
		}
	}
	if len(in.DivergentViews) > MaxDraftBytes {
		return process.InvalidFieldCode("divergent_views", "statement.divergent_views_too_long", fmt.Sprintf("divergent_views is longer than %d bytes", MaxDraftBytes),
			"Limit", MaxDraftBytes)
	}
	if notAdopted && strings.TrimSpace(in.DivergentViews) == "" {
		return process.InvalidFieldCode("divergent_views", "statement.divergent_views_required", "divergent_views is required: some comments were not adopted")
	}
	return nil
}

// mayWrite: the actor may write the final text of a language: its
// penholders, and staff.
func (s *statement) mayWrite(lang string, actor workflows.Actor) bool {
	return s.isPenholder(lang, actor.MemberID) || process.IsStaff(actor.Roles)
}

// checkOthersText: a penholder consolidating writes only their own
// group's text; another group's final text is that group's latest
// version, written by its own penholders: omitted, it is taken as is;
// given, it must be exactly that version.
func (s *statement) checkOthersText(lang, text string) error {
	g := s.group(lang)
	if g == nil || g.Latest == 0 {
		return process.ForbiddenCode("statement.others_text_no_draft", "texts."+lang+": only its penholders or staff write the "+lang+" text, and its group has no draft yet",
			"Language", lang)
	}
	if text != "" && TextHash(text) != g.Versions[g.Latest-1].SHA256 {
		return process.ForbiddenCode("statement.others_text", "texts."+lang+": only its penholders or staff write the "+lang+" text; leave it out to take its group's latest version",
			"Language", lang)
	}
	return nil
}

func (s *statement) consolidate(now time.Time, in ConsolidateInput) {
	c := &Consolidation{Texts: map[string]string{}, DivergentViews: strings.TrimSpace(in.DivergentViews), NotAdopted: []string{},
		By: in.Actor.MemberID, At: now}
	for _, l := range s.st.Languages {
		text := in.Texts[l]
		if s.ownTexts && !s.mayWrite(l, in.Actor) {
			g := s.group(l)
			text = s.texts[l][g.Latest-1]
		}
		c.Texts[l] = FinalText(l, text, c.DivergentViews)
	}
	for _, cm := range s.st.Comments {
		if cm.Status == CommentNotAdopted {
			c.NotAdopted = append(c.NotAdopted, cm.ID)
		}
	}
	s.st.Consolidation = c
	round := len(s.st.Ratifications) + 1
	s.st.Ratifications = append(s.st.Ratifications, Ratification{Round: round, ObjectionEnds: now.Add(s.in.Rules.ObjectionWindow.D()),
		Objections: []Objection{}, Roll: []workflows.ElectionRollEntry{}, Voted: []workflows.Voted{}})
	hashes := map[string]string{}
	for l, t := range c.Texts {
		hashes[l] = TextHash(t)
	}
	s.audit(in.Actor.MemberID, "statement.consolidated", "consolidated/"+strconv.Itoa(round), map[string]any{
		"round": round, "sha256": hashes, "not_adopted": c.NotAdopted, "objection_window_ends": now.Add(s.in.Rules.ObjectionWindow.D()),
	})
}

func (s *statement) validateObject(now time.Time, in ObjectInput) error {
	if err := s.checkMemberOpen(in.Actor, process.ForbiddenCode("statement.members_object", "only members object")); err != nil {
		return err
	}
	r := s.current()
	if r == nil || r.Result != nil || r.VoteOpens != nil || !now.Before(r.ObjectionEnds) {
		return process.InvalidStateCode("statement.no_consensus_call", "no consensus call is open")
	}
	if slices.ContainsFunc(r.Objections, func(o Objection) bool { return o.By == in.Actor.MemberID }) {
		return process.InvalidStateCode("statement.already_objected", "you have already objected")
	}
	return process.CheckTextCode("reason", "statement.reason", in.Reason, maxShort)
}

func (s *statement) object(now time.Time, in ObjectInput) {
	r := s.current()
	r.Objections = append(r.Objections, Objection{By: in.Actor.MemberID, Reason: in.Reason, At: now})
	s.audit(in.Actor.MemberID, "statement.objection", "objection/"+strconv.Itoa(r.Round)+"/"+in.Actor.MemberID,
		map[string]any{"round": r.Round, "reason": in.Reason})
}

func (s *statement) validateBallot(now time.Time, in BallotInput) error {
	if err := s.checkMemberOpen(in.Actor, process.ForbiddenCode("statement.members_vote", "only members vote")); err != nil {
		return err
	}
	r := s.current()
	if r == nil || r.Result != nil || r.VoteOpens == nil || !r.RollFrozen || !now.Before(*r.VoteCloses) {
		return process.InvalidStateCode("statement.no_vote_open", "no ratification vote is open")
	}
	if in.CastByALSID != in.ALSID {
		return process.ForbiddenCode("statement.own_als_only", "an ALS representative votes only for their own ALS")
	}
	if !slices.ContainsFunc(r.Roll, func(e workflows.ElectionRollEntry) bool { return e.ALSID == in.ALSID }) {
		return process.ForbiddenCode("statement.not_on_roll", "ALS "+in.ALSID+" is not on the roll", "ALS", in.ALSID)
	}
	switch in.Vote {
	case domain.VoteYes, domain.VoteNo, domain.VoteAbstain:
	default:
		return process.InvalidInputCode("statement.vote_choice", "vote must be yes, no or abstain")
	}
	if left, ok := s.changesLeft(in.ALSID); ok && left <= 0 && s.cast(in.ALSID) > 0 {
		return process.InvalidStateCode("statement.ballot_changes_used", fmt.Sprintf("ALS %s has replaced its ballot the maximum of %d times in this round; its last ballot stands",
			in.ALSID, s.maxBallotChanges()), "ALS", in.ALSID, "Max", s.maxBallotChanges())
	}
	return nil
}

func (s *statement) maxBallotChanges() int {
	if n := s.in.Rules.MaxBallotChanges; n > 0 {
		return n
	}
	return DefaultMaxBallotChanges
}

// cast counts an ALS's ballots in the current round.
func (s *statement) cast(als string) int {
	n := 0
	for _, b := range s.ballots {
		if b.ALSID == als {
			n++
		}
	}
	return n
}

// changesLeft is how many more times an ALS may replace its ballot this
// round; ok is false in statements started before the budget.
func (s *statement) changesLeft(als string) (int, bool) {
	if !s.ballotBudget {
		return 0, false
	}
	return max(0, s.maxBallotChanges()-max(0, s.cast(als)-1)), true
}

func (s *statement) ballot(now time.Time, in BallotInput, receipt string) workflows.BallotReceipt {
	r := s.current()
	b := domain.Ballot{Receipt: receipt, ALSID: in.ALSID, At: now}
	if in.Vote == domain.VoteAbstain {
		b.Abstain = true
	} else {
		b.Choice = in.Vote
	}
	s.ballots = append(s.ballots, b)
	var left *int
	if n, ok := s.changesLeft(in.ALSID); ok {
		left = &n
	}
	if i := slices.IndexFunc(r.Voted, func(v workflows.Voted) bool { return v.ALSID == in.ALSID }); i >= 0 {
		r.Voted[i].At, r.Voted[i].ChangesLeft = now, left
	} else {
		r.Voted = append(r.Voted, workflows.Voted{Seat: "ratification", Round: r.Round, ALSID: in.ALSID, At: now, ChangesLeft: left})
	}
	s.audit(in.Actor.MemberID, "statement.ballot", "ballot/"+receipt, map[string]any{"round": r.Round, "als_id": in.ALSID, "receipt": receipt})
	return workflows.BallotReceipt{Receipt: receipt, Seat: "ratification", Round: r.Round, ALSID: in.ALSID, At: now, ChangesLeft: process.Clone(left)}
}

func (s *statement) validateSubmit(_ time.Time, in SubmitInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("statement.submit_staff_only", "only staff record the submission")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	if !in.AsDraft && !s.ratified() {
		return process.InvalidStateCode("statement.not_ratified", "the statement is not ratified: submit it as a draft (as_draft) or wait for ratification")
	}
	if !validURL(in.URL) {
		return process.InvalidFieldCode("url", "statement.submission_url", "url must be an http or https URL")
	}
	if in.SubmittedAt.IsZero() {
		return process.InvalidFieldCode("submitted_at", "statement.submitted_at_required", "submitted_at is required")
	}
	if len(in.Texts) == 0 && s.st.Consolidation == nil {
		return process.InvalidInputCode("statement.texts_required", "texts are required: no final text was consolidated")
	}
	for l, t := range in.Texts {
		if s.group(l) == nil {
			return process.InvalidInputCode("statement.no_group", "texts: the statement has no "+strconv.Quote(l)+" group", "Language", l)
		}
		if err := process.CheckTextCode("texts."+l, "statement.final_text", t, MaxDraftBytes); err != nil {
			return err
		}
	}
	return nil
}

func (s *statement) submit(now time.Time, in SubmitInput) {
	texts := process.CloneMap(in.Texts)
	if len(texts) == 0 {
		texts = process.CloneMap(s.st.Consolidation.Texts)
	}
	s.st.Submission = &Submission{URL: strings.TrimSpace(in.URL), SubmittedAt: in.SubmittedAt.UTC(), Texts: texts,
		AsDraft: in.AsDraft, By: in.Actor.MemberID, At: now}
	s.refresh(now)
	s.effects = append(s.effects, effect{audit: &workflows.AuditInput{
		Actor: in.Actor.MemberID, Process: processName, ObjectID: s.in.StatementID, Action: "statement.submitted",
		Details: s.public(), Audience: "public", IdemKey: s.idemKey("submitted"),
	}})
	s.notify("submitted", "statement.submitted", s.penholders(), workflows.AudienceAllMembers, nil)
}

func (s *statement) validateDecline(_ time.Time, in DeclineInput) error {
	if !process.IsStaff(in.Actor.Roles) && !in.Leadership {
		return process.ForbiddenCode("statement.decline_leadership_only", "only staff or the leadership decline to comment")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	return process.CheckTextCode("reason", "statement.reason", in.Reason, maxShort)
}

func (s *statement) decline(now time.Time, in DeclineInput) {
	s.st.Declined = &Decline{By: in.Actor.MemberID, Reason: in.Reason, At: now}
	s.effects = append(s.effects, effect{audit: &workflows.AuditInput{
		Actor: in.Actor.MemberID, Process: processName, ObjectID: s.in.StatementID, Action: "statement.declined",
		Details: map[string]any{"proceeding": s.in.Proceeding, "reason": in.Reason}, Audience: "public", IdemKey: s.idemKey("declined"),
	}})
}

func (s *statement) validateCloseDate(now time.Time, in CloseDateInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("statement.close_date_staff_only", "only staff record a new ICANN close date")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	if !in.ClosesAt.After(now) {
		return process.InvalidFieldCode("closes_at", "statement.close_date_past", "closes_at must be in the future")
	}
	if in.ClosesAt.Equal(s.in.Proceeding.ClosesAt) {
		return process.InvalidFieldCode("closes_at", "statement.close_date_same", "closes_at is already ICANN's close date", "ClosesAt", in.ClosesAt)
	}
	return process.CheckTextCode("reason", "statement.reason", in.Reason, maxShort)
}

// moveCloseDate records ICANN's new close date. The reminders and the
// deadline alert are re-armed: those still ahead of the new date go out
// (again) at their time, under keys of their own.
func (s *statement) moveCloseDate(now time.Time, in CloseDateInput) {
	change := CloseDateChange{From: s.in.Proceeding.ClosesAt, To: in.ClosesAt.UTC(), Reason: in.Reason, By: in.Actor.MemberID, At: now}
	s.st.CloseDateChanges = append(s.st.CloseDateChanges, change)
	s.in.Proceeding.ClosesAt = change.To
	s.st.Proceeding.ClosesAt = change.To
	for _, d := range s.in.Rules.RemindersBeforeClose {
		if change.To.Add(-d.D()).After(now) {
			delete(s.reminderDone, process.Label(d.D()))
		}
	}
	s.st.DeadlineAlerted = nil
	step := "close_date" + s.closeDateSuffix()
	s.audit(in.Actor.MemberID, "statement.close_date_changed", step, map[string]any{
		"from": change.From, "to": change.To, "reason": change.Reason,
	})
	s.notify(step, "statement.close_date_changed", process.Set(append(s.penholders(), s.in.StaffIDs...)), "",
		map[string]any{"due": change.To, "previous": change.From, "reason": change.Reason})
}

// draftBudget refuses a draft of size bytes past what one member may write.
func (s *statement) draftBudget(id string, size int) error {
	if s.participantCaps && s.draftBytesBy(id)+size > maxDraftBytesPerAuthor {
		return process.InvalidStateCode("statement.draft_budget", fmt.Sprintf("your drafts of this statement have reached the %d bytes one member may write", maxDraftBytesPerAuthor),
			"Limit", maxDraftBytesPerAuthor)
	}
	return nil
}

// commentBudget refuses a comment past what one member may write.
func (s *statement) commentBudget(id string) error {
	if s.participantCaps && s.commentsBy(id) >= maxCommentsPerMember {
		return process.InvalidStateCode("statement.comment_budget", fmt.Sprintf("you have written the maximum of %d comments on this statement", maxCommentsPerMember),
			"Max", maxCommentsPerMember)
	}
	return nil
}

// draftBytesBy is the size of every draft version a member wrote.
func (s *statement) draftBytesBy(id string) int {
	n := 0
	for _, g := range s.st.Groups {
		for _, v := range g.Versions {
			if v.Author == id {
				n += v.Size
			}
		}
	}
	return n
}

// commentsBy counts a member's comments.
func (s *statement) commentsBy(id string) int {
	n := 0
	for _, c := range s.st.Comments {
		if c.By == id {
			n++
		}
	}
	return n
}
