package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// The Terraform types that diagnostics name, in the commands they print.
const (
	releaseLinkType  = "gitlab_release_link"
	releaseLinksType = "gitlab_release_links"
)

// explainer builds the detail of a diagnostic about a failed call to GitLab: what failed (a sentence naming the
// project, tag and link), a blank line, what GitLab said, and what the user can do, in words and commands that
// fit the resource, data source or list resource it is for.
type explainer struct {
	data     *providerData
	typeName string // the Terraform type, for the commands the advice prints
	// inState is true when the object is in the state (a refresh, an update, a destroy): forgetting it is then one
	// way out of a project that is gone. A create or a read of a data source never advises that.
	inState bool
}

// explain returns the explainer for a Terraform type; inState says whether the object failing is in the state.
func (p *providerData) explain(typeName string, inState bool) explainer {
	return explainer{data: p, typeName: typeName, inState: inState}
}

// detail is the detail of a diagnostic: what failed, then what GitLab said, then the advice.
func (e explainer) detail(what, project, tag string, err error) string {
	var down *gitlab.UnavailableError
	if errors.As(err, &down) {
		return what + "\n\n" + outageDetail(down)
	}
	said := "GitLab said"
	if gitlab.HasStatus(err, 0) {
		said = "The request failed" // no answer from GitLab to quote
	}
	return fmt.Sprintf("%s\n\n%s: %s\n\n%s", what, said, err, e.advice(project, tag, err))
}

// releaseRead explains a failed listing of a release's links: a missing project or release is named as such.
func (e explainer) releaseRead(project, tag string, err error) string {
	switch {
	case gitlab.IsProjectNotFound(err):
		return e.detail(fmt.Sprintf("Project %q was not found.", project), project, tag, err)
	case gitlab.IsRecordNotFound(err):
		return e.detail(fmt.Sprintf("Release %q was not found in project %q.", tag, project), project, tag, err)
	default:
		return e.detail(fmt.Sprintf("Could not read the links of release %q in project %q.", tag, project), project, tag, err)
	}
}

// advice says what to check for an error from GitLab. Without a token, GitLab's answers to anonymous requests
// (404 for a private project, 403 for a write to a public one) are explained by that first.
func (e explainer) advice(project, tag string, err error) string {
	if e.data != nil && e.data.noToken != "" && (gitlab.IsProjectNotFound(err) || gitlab.HasStatus(err, 403)) {
		return fmt.Sprintf("No token is configured: %s. GitLab therefore answers as to an anonymous visitor, who may "+
			"not change links and for whom a private project does not exist. Set the provider's token attribute, or the "+
			"GITLAB_TOKEN environment variable, to an access token with the api scope. In GitLab CI, CI_JOB_TOKEN is used "+
			"automatically only against the GitLab that runs the job: when no base URL is configured, or it has the "+
			"origin of CI_API_V4_URL or CI_SERVER_URL.\n\n%s", e.data.noToken, e.remedy(project, tag, err))
	}
	return e.remedy(project, tag, err)
}

// outageDetail explains an outage in full once per provider run; every other request that met it fails with
// the same error, and their diagnostics point to that first one instead of repeating it.
func outageDetail(down *gitlab.UnavailableError) string {
	if !down.FirstReport() {
		return fmt.Sprintf("GitLab at %s is unreachable or failing; see the first error about it for what was tried and "+
			"what to check.", down.BaseURL)
	}
	return fmt.Sprintf("%s.\n\nThe provider stopped sending requests to this GitLab for the rest of this run instead of "+
		"retrying each one on its own. Check that GitLab is up (its status page, or the server itself), that base_url "+
		"is right, and the network path from this machine (VPN, proxy, firewall, DNS). Requests that did not reach "+
		"GitLab changed nothing, and no resource left the state: run Terraform again once GitLab answers.", down)
}

// remedy says what to do about an error from GitLab, whoever configured the token.
func (e explainer) remedy(project, tag string, err error) string {
	switch {
	case gitlab.HasMessage(err, "insufficient_scope"):
		return "The token is valid but only has read access: give it the api scope to manage release links."
	case gitlab.HasStatus(err, 401):
		return "GitLab rejected the token. Check that the provider's token (or GITLAB_TOKEN) is a valid access token " +
			"for this GitLab instance and has not expired or been revoked."
	case gitlab.HasStatus(err, 403):
		return fmt.Sprintf("The token is not allowed to do this in project %q. Managing release links needs a token with "+
			"the api scope whose user has at least the Developer role in the project (Maintainer where tag %q is protected).",
			project, tag)
	case gitlab.IsProjectNotFound(err):
		return e.projectNotFound(project)
	case gitlab.IsRecordNotFound(err):
		return fmt.Sprintf("Project %q has no release for tag %q. Check tag_name (it is case-sensitive); a git tag alone is "+
			"not enough, the release must exist before links can be attached.", project, tag)
	case gitlab.IsNotFound(err):
		return "GitLab answered 404 for a route it should know, which usually means base_url does not point at the " +
			"GitLab API (check the host and any path prefix such as /gitlab) or a proxy in between is answering."
	case errors.As(err, new(*gitlab.WaitError)):
		return "The provider waits for GitLab's rate limit (or for a failing GitLab) for as long as the operation's " +
			"timeout allows, and this wait would have ended after it. Raise the value in the resource's timeouts block " +
			"(the default is 10 minutes per operation), run Terraform with a lower -parallelism, set " +
			"max_requests_per_minute when several runs share the token, or try again later."
	case errors.As(err, new(*gitlab.NoAnswerError)):
		return "GitLab accepted the connection but did not answer this request in time on any attempt, while it " +
			"answered others. If GitLab is slow rather than stuck, raise the provider's request_timeout."
	case gitlab.HasStatus(err, 429):
		return "GitLab kept rate-limiting the requests until the operation's deadline. Run Terraform with a lower " +
			"-parallelism, set max_requests_per_minute when several runs share the token, or try again later."
	case errors.As(err, new(*gitlab.SchemeError)):
		return "Nothing reached GitLab's API, so nothing was changed. Correct base_url (or GITLAB_BASE_URL) as above."
	case errors.As(err, new(*gitlab.RedirectError)):
		return "Nothing was changed: the write was not sent on to where GitLab redirects it. Set the provider's " +
			"base_url (or GITLAB_BASE_URL) to the address above, which GitLab serves its API at."
	case errors.Is(err, context.DeadlineExceeded):
		return "The operation ran out of time. Raise the limit in the resource's timeouts block (the default is 10 " +
			"minutes per operation), or check why GitLab answers slowly; running Terraform again is safe."
	case errors.Is(err, context.Canceled):
		return "The operation was interrupted. Running Terraform again is safe: the next plan shows what is left to do."
	case gitlab.HasStatus(err, 0) && (strings.Contains(err.Error(), "certificate") || strings.Contains(err.Error(), "tls:")):
		return tlsAdvice(err.Error())
	case gitlab.HasStatus(err, 0):
		return "No answer came back from GitLab. Check base_url, the network path and any proxy, then run Terraform again: " +
			"the next plan shows what is left to do."
	case gitlab.HasStatus(err, 400):
		return "Correct the value GitLab names above in the configuration."
	default:
		return "If this persists, check GitLab's status and logs; running Terraform again is safe."
	}
}

// tlsAdvice says which setting fixes a failed TLS connection, by the certificate problem Go's error names.
func tlsAdvice(msg string) string {
	const testing = " Only for testing, insecure = true skips the verification."
	switch {
	case strings.Contains(msg, "signed by unknown authority"):
		return "GitLab's certificate is signed by a CA this machine does not trust. Set cacert_file to a PEM file " +
			"of that CA (the provider trusts it in addition to the system's)." + testing
	case strings.Contains(msg, "certificate is valid for"), strings.Contains(msg, "not valid for any names"),
		strings.Contains(msg, "doesn't contain any IP SANs"):
		return "GitLab's certificate is not issued for the host name in base_url. Set base_url to a name the certificate " +
			"names (see the message above)." + testing
	case strings.Contains(msg, "expired or is not yet valid"):
		return "GitLab's certificate has expired or is not valid yet: renew it on the GitLab server, or check this " +
			"machine's clock." + testing
	case strings.Contains(msg, "certificate required"), strings.Contains(msg, "bad certificate"), strings.Contains(msg, "unknown certificate"):
		return "GitLab asks for a client certificate it accepts: set client_cert and client_key to the PEM files of one."
	default:
		return "The TLS connection to GitLab failed. Set cacert_file to the CA that signed GitLab's certificate, " +
			"client_cert and client_key when GitLab requires a client certificate, or (only for testing) insecure = true."
	}
}

// projectNotFound explains GitLab's "404 Project Not Found", which means either that the project does not exist
// or that the token cannot see it: GitLab answers the same for a private project without access. For an object in
// the state, the link may well still exist, so the way out for a project deleted on purpose is to forget it, not
// to destroy it: a destroy meets the same answer.
func (e explainer) projectNotFound(project string) string {
	hint := ""
	if !strings.Contains(project, "/") && !isNumeric(project) {
		hint = " A path must be the full path including the group, such as my-group/my-project."
	}
	out := fmt.Sprintf("Either project %q does not exist (it was deleted, renamed or mistyped) or the token cannot see it: "+
		"GitLab answers the same for a private project the token has no access to, and for every private project when no "+
		"token is configured. Check the project ID or full path and that the token's user is a member of the project.%s",
		project, hint)
	if !e.inState {
		return out
	}
	return out + fmt.Sprintf("\n\nIf the project was deleted on purpose, its links went with it: remove them from the state "+
		"with terraform state rm <address>, or with a removed block (Terraform 1.7 and later):\n\n"+
		"  removed {\n    from = %s.<name>\n    lifecycle {\n      destroy = false\n    }\n  }", e.typeName)
}

// isNumeric reports whether s is a project ID rather than a path.
func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
