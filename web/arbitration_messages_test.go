package web

import (
	"os"
	"path/filepath"
	"regexp"

	"github.com/lacralo/ralo/service"
)

// The arbitration's refusals that TestMessagesComplete's scan of the
// process codes does not see: the codes the service gives its own
// refusals and fields, and the two codes of each process.CheckTextCode
// call in the arbitration workflow.
func init() {
	addDynamic("refusal.", service.CodeArbitrationAssignStaffOnly, service.CodeArbitrationAppealPartyOnly,
		service.CodeArbitrationContestPartyOnly, service.CodeArbitrationContestUncertified, service.CodeArbitrationContestClosed)
	addDynamic("field.", service.CodeArbitrationPartiesRequired, service.CodeArbitrationUnknownParty, service.CodeArbitrationAppealKind, service.CodeArbitrationNoEthicsCase,
		service.CodeArbitrationNoElection, service.CodeArbitrationNotOnRoster, service.CodeArbitrationConflict,
		service.CodeArbitrationStartsAt, service.CodeArbitrationDuration, service.CodeArbitrationReferredAt)
	addDynamic("refusal.", checkTextCodes(filepath.Join("..", "workflows", "arbitration"))...)
}

var checkTextCall = regexp.MustCompile(`process\.CheckTextCode\("[^"]*",\s*"([^"]+)"`)

// checkTextCodes are the codes the CheckTextCode calls of a workflow
// package's Go files give: prefix.required and prefix.too_long.
func checkTextCodes(dir string) []string {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		panic(err)
	}
	var codes []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		for _, m := range checkTextCall.FindAllStringSubmatch(string(b), -1) {
			codes = append(codes, m[1]+".required", m[1]+".too_long")
		}
	}
	return codes
}
