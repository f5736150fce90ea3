// Package notify turns ralo's workflow events into email: it renders the
// texts in the recipient's language (es, en, pt, fr), builds iCalendar files
// for hearings, meetings and the calendar feed, and delivers messages over
// SMTP with errors classified so that the delivery activity knows whether a
// retry can help.
//
// The package does no scheduling and keeps no state: the outbox (store) and
// the Notify workflow decide what is sent and when, so that a message is
// never lost and never sent twice for the same idempotency key.
//
// # Events and their data
//
// Render takes an event name and a map of data. Every event greets the
// recipient with "name" and accepts an optional "link" to the page where
// the matter can be followed (the outbox activity sets it to the page of
// the process and object, activities/links.go, unless the data has one). Dates ("due", "starts_at") may be time.Time
// values or RFC 3339 strings, as they arrive after a round trip through a
// Temporal payload; they are shown in UTC, which reads the same in every
// country of the region. Keys marked optional drop their sentence when
// absent; any other missing key renders as an empty string.
//
//	generic                          title, text
//	token_issued                     —
//	member.roles_changed             roles, previous_roles, als_id, previous_als_id
//	arbitration.filed                case_id, title
//	arbitration.assigned             case_id, title; optional arbitrator, due (end of the challenge window)
//	arbitration.challenge            case_id, title; optional reason
//	arbitration.hearing_scheduled    case_id, title; optional starts_at, location
//	arbitration.hearing_rescheduled  case_id, title; optional starts_at, location
//	arbitration.ruling_reminder      case_id, title, days_left, due
//	arbitration.ruling_overdue       case_id, title, due
//	arbitration.extended             case_id, title, due, reason
//	arbitration.ruling               case_id, title, outcome
//	arbitration.ombudsman            case_id, title; optional outcome
//	ethics.filed                     case_id, title
//	ethics.receipt                   case_id, title, receipt; optional anonymous (to the complainant only)
//	ethics.screening_reminder        case_id, title; optional due
//	ethics.screening_overdue         case_id, title
//	ethics.admitted                  case_id, title
//	ethics.dismissed                 case_id, title; optional reason
//	ethics.response_requested        case_id, title, due
//	ethics.decision                  case_id, title, outcome (dismissed, recusal_ordered, warning, suspension, removal)
//	ethics.appealed                  case_id, title
//	ethics.no_quorum                 case_id, title
//	election.opened                  election_id, title; optional due (nominations close)
//	election.nominated               election_id, title; optional seat, due (acceptance close)
//	election.voting_open             election_id, title; optional due (voting close)
//	election.results                 election_id, title
//	election.extended                election_id, title, phase, due; optional reason (none: the quorum was not reached)
//	statement.opened                 statement_id, title; optional due (ICANN's close date)
//	statement.comment_period         statement_id, title; optional due (end of the comment period)
//	statement.deadline_alert         statement_id, title, due (ICANN's close date)
//	statement.close_date_changed     statement_id, title, due (the new close date); optional previous, reason
//	statement.submitted              statement_id, title
//	statement.reminder               statement_id, title, due (ICANN's close date)
//	statement.vote_open              statement_id, title; optional due (end of the vote)
//	meeting.invitation               title, starts_at; optional location
//	meeting.reminder                 title, starts_at; optional location
//	participation.warning            als; optional due (when the vote would be lost)
//	participation.vote_lost          als
//	participation.restored           als
//	meeting.cancelled                title, starts_at; optional location (the attachment is the iCalendar CANCEL)
//	participation.review             als, als_id; optional reason (to staff: review the accreditation)
package notify
