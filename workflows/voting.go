package workflows

import (
	"crypto/rand"
	"encoding/base32"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
)

// What elections and policy-statement ratifications share: the frozen
// electoral roll, ballot receipts, who has voted, the quorum, and the
// activities that read the roll and count ballots for participation.

// Activities of a vote.
const (
	// ActivityFreezeElectionRoll reads the voting ALSes from the registry
	// and checks the proxies, FreezeRollInput -> FreezeRollResult.
	ActivityFreezeElectionRoll = "FreezeElectionRoll"
	// ActivityRecordBallotParticipation counts counted ballots for their
	// ALSes' participation, BallotParticipationInput.
	ActivityRecordBallotParticipation = "RecordBallotParticipation"
)

// ElectionProxy is a proxy staff recorded before voting opened.
type ElectionProxy struct {
	FromALSID string    `json:"from_als_id"`
	ToALSID   string    `json:"to_als_id"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// ElectionRollEntry is one voting ALS on the frozen roll; Weight is the
// float of the exact weight, for display.
type ElectionRollEntry struct {
	ALSID    string  `json:"als_id"`
	Country  string  `json:"country"`
	Weight   float64 `json:"weight"`
	ProxyFor *string `json:"proxy_for"`
}

// Voted says that an ALS has a ballot in a seat's round: who has voted is
// visible during the vote, what they chose is not.
type Voted struct {
	Seat  string    `json:"seat"`
	Round int       `json:"round"`
	ALSID string    `json:"als_id"`
	At    time.Time `json:"at"`
	// ChangesLeft is how many more times the ALS may replace this ballot,
	// in processes that budget replacements; the service shows it only to
	// the ALS's representatives and staff.
	ChangesLeft *int `json:"changes_left,omitempty"`
}

// BallotReceipt answers a ballot: the receipt code the voter can find in the
// published results.
type BallotReceipt struct {
	Receipt string    `json:"receipt"`
	Seat    string    `json:"seat"`
	Round   int       `json:"round"`
	ALSID   string    `json:"als_id"`
	At      time.Time `json:"at"`
	// ChangesLeft is how many more times the ALS may replace this ballot,
	// in processes that budget replacements.
	ChangesLeft *int `json:"changes_left,omitempty"`
}

// ResultQuorum is the quorum of a seat's first ballot.
type ResultQuorum struct {
	Required int  `json:"required"`
	Cast     int  `json:"cast"`
	Met      bool `json:"met"`
	Extended bool `json:"extended"`
}

// FreezeRollInput asks for the electoral roll: the voting ALSes of the
// registry with the proxies staff recorded.
type FreezeRollInput struct {
	ElectionID string          `json:"election_id"`
	Proxies    []ElectionProxy `json:"proxies"`
}

// FreezeRollResult is the roll without weights (the workflow computes them
// with domain.NationalWeights) and the proxies the registry no longer
// allowed, each with its reason.
type FreezeRollResult struct {
	Entries []ElectionRollEntry `json:"entries"`
	Dropped []string            `json:"dropped"`
}

// BallotParticipationInput lists counted ballots, one per ALS and round,
// each counted once for its ALS's participation (the receipt is the key).
type BallotParticipationInput struct {
	ElectionID string          `json:"election_id"`
	Ballots    []BallotReceipt `json:"ballots"`
}

// NewReceipt is a random receipt code, recorded once in the history.
func NewReceipt(ctx workflow.Context) string {
	var code string
	enc := workflow.SideEffect(ctx, func(workflow.Context) any {
		b := make([]byte, 10)
		_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
		return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	})
	if err := enc.Get(&code); err != nil {
		panic(err) // a recorded string always decodes
	}
	return code
}

// RollDoc is a frozen roll as documents show it, with each weight as a
// float.
func RollDoc(r domain.Roll) []ElectionRollEntry {
	out := make([]ElectionRollEntry, 0, len(r.Entries))
	for _, x := range r.Entries {
		entry := ElectionRollEntry{ALSID: x.ALSID, Country: x.Country, Weight: x.WeightFloat()}
		if x.ProxyFor != nil {
			holder := *x.ProxyFor
			entry.ProxyFor = &holder
		}
		out = append(out, entry)
	}
	return out
}
