package store

// CodedFieldErrors is FieldErrors that also names each field's problem
// with a code, for a transport that speaks the reader's language (the
// web's "field.<code>" messages). The English messages stay what the
// JSON API shows; errors.As(err, &FieldErrors{}) still finds them
// (Unwrap).
type CodedFieldErrors struct {
	FieldErrors
	// Codes is the code of each field's problem (one of FieldCodes).
	Codes map[string]string
}

// Unwrap is the English messages alone, for callers that read
// FieldErrors.
func (e CodedFieldErrors) Unwrap() error { return e.FieldErrors }

// newFieldErrors is an empty CodedFieldErrors to fill with set.
func newFieldErrors() CodedFieldErrors {
	return CodedFieldErrors{FieldErrors: FieldErrors{}, Codes: map[string]string{}}
}

// fieldError refuses one field.
func fieldError(field, code, msg string) CodedFieldErrors {
	e := newFieldErrors()
	e.set(field, code, msg)
	return e
}

// set records a field's problem: its code and its English message.
func (e CodedFieldErrors) set(field, code, msg string) {
	e.FieldErrors[field] = msg
	e.Codes[field] = code
}

// orNil returns nil when no field was refused, so callers can `return
// fe.orNil()`.
func (e CodedFieldErrors) orNil() error {
	if len(e.FieldErrors) == 0 {
		return nil
	}
	return e
}

// The codes of the store's field errors; each has its "field.<code>"
// message in every language the web speaks.
const (
	FieldRequired          = "required"           // the field is required
	FieldCountryCode       = "country_code"       // not an ISO 3166-1 alpha-2 code
	FieldCountryExists     = "country_exists"     // the country is already registered
	FieldSubregionMissing  = "subregion_missing"  // no sub-region given and none in the policy's table
	FieldSubregionUnknown  = "subregion_unknown"  // not one of the policy's sub-regions
	FieldUnknownCountry    = "unknown_country"    // no such country in the registry
	FieldALSStatus         = "als_status"         // not an ALS status
	FieldALSExists         = "als_exists"         // an ALS of that name exists in the country
	FieldEmail             = "email"              // not an email address
	FieldEmailTaken        = "email_taken"        // another member has that email
	FieldNationality       = "nationality"        // not a country code
	FieldUnknownALS        = "unknown_als"        // no such ALS
	FieldLanguage          = "language"           // not one of es, en, pt, fr
	FieldTooLong           = "too_long"           // longer than allowed
	FieldSkills            = "skills"             // a skill empty or too long
	FieldUnknownRole       = "unknown_role"       // not a role
	FieldDeclarationKind   = "declaration_kind"   // not a kind of declaration
	FieldDeclarationDetail = "declaration_detail" // neither organization nor description
	FieldCategories        = "categories"         // a category empty or too long
	FieldTermEnd           = "term_end"           // the term ends before it starts
	FieldUnknownMember     = "unknown_member"     // no such member
	FieldMeetingKind       = "meeting_kind"       // not a kind of meeting
	FieldDuration          = "duration"           // not between a minute and a day
	FieldUntil             = "until_before_start" // a series that ends before it starts
	FieldReviewOutcome     = "review_outcome"     // neither keep nor decertify
	FieldMailingHeader     = "mailing_header"     // the mailing file's header is wrong
	FieldMailingRows       = "mailing_rows"       // too many rows in one mailing file
	FieldMailingLine       = "mailing_line"       // a mailing line with the wrong number of fields
	FieldMailingDate       = "mailing_date"       // a mailing line's date unreadable or in the future
	FieldMailingList       = "mailing_list"       // a mailing line without its list
	FieldMailingEmail      = "mailing_email"      // a mailing line's email names no member
	FieldMailingProblems   = "mailing_problems"   // a mailing line with several problems
	FieldSurveyTopics      = "survey_topics"      // a survey's topics: 2 to 50, distinct, each 1 to 200 characters
	FieldFuture            = "future"             // a date that must be in the future
	FieldSurveyWeighting   = "survey_weighting"   // neither member nor national
	FieldSurveyRanking     = "survey_ranking"     // a ranking empty or naming other topics
	FieldRoadmap           = "roadmap"            // the roadmap would be inconsistent
	FieldRosterDuplicate   = "roster_duplicate"   // two roster lines name the same email
)

// FieldCodes lists every code the store gives a field error.
var FieldCodes = []string{FieldRequired, FieldCountryCode, FieldCountryExists, FieldSubregionMissing,
	FieldSubregionUnknown, FieldUnknownCountry, FieldALSStatus, FieldALSExists, FieldEmail, FieldEmailTaken,
	FieldNationality, FieldUnknownALS, FieldLanguage, FieldTooLong, FieldSkills, FieldUnknownRole,
	FieldDeclarationKind, FieldDeclarationDetail, FieldCategories, FieldTermEnd, FieldUnknownMember,
	FieldMeetingKind, FieldDuration, FieldUntil, FieldReviewOutcome, FieldMailingHeader, FieldMailingRows,
	FieldMailingLine, FieldMailingDate, FieldMailingList, FieldMailingEmail, FieldMailingProblems,
	FieldSurveyTopics, FieldFuture, FieldSurveyWeighting, FieldSurveyRanking, FieldRoadmap, FieldRosterDuplicate}
