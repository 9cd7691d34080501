package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

// How the provider block and the environment become a client: which token goes to which GitLab, and the warnings
// and errors Configure gives about them.

// clientConfig turns the provider block and the environment into a client configuration.
func clientConfig(config providerModel, version, terraformVersion string) (gitlab.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	token := firstSet(config.Token.ValueString(), os.Getenv("GITLAB_TOKEN"))
	baseURL := firstSet(config.BaseURL.ValueString(), os.Getenv("GITLAB_BASE_URL"))
	kind := gitlab.AuthKindFor(token)
	if token == "" && autoCISupport(config) && os.Getenv("CI_JOB_TOKEN") != "" && jobsGitLab(baseURL) {
		// Inside GitLab CI with no token configured: act as the job, against the instance that runs it.
		token, kind = os.Getenv("CI_JOB_TOKEN"), gitlab.AuthJobToken
		baseURL = firstSet(baseURL, os.Getenv("CI_API_V4_URL"), os.Getenv("CI_SERVER_URL"))
	}
	baseURL = firstSet(baseURL, defaultBaseURL)
	if _, err := gitlab.NormalizeBaseURL(baseURL); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid GitLab Base URL",
			fmt.Sprintf("The base URL cannot be used: %s\n\nUse a URL such as https://gitlab.example.com, "+
				"with or without /api/v4.", err))
	}
	headers := map[string]string{}
	for k, v := range config.Headers.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			diags.AddAttributeError(path.Root("headers").AtMapKey(k), "Unknown GitLab Provider Setting",
				fmt.Sprintf("The header %s depends on a value that is only known after apply; set it to a value known at plan time.", k))
			continue
		}
		headers[k] = s.ValueString()
	}
	retries := int64(gitlab.DefaultRetries)
	if !config.Retries.IsNull() {
		retries = config.Retries.ValueInt64()
	}
	answerTimeout, _ := time.ParseDuration(config.RequestTimeout.ValueString()) // validated; null is 0, the default
	userAgent := fmt.Sprintf("terraform-provider-gitlab/%s (+https://registry.terraform.io/providers/gitlab-release-links/gitlab) Terraform/%s",
		version, terraformVersion)
	return gitlab.Config{
		BaseURL:              baseURL,
		Token:                token,
		AuthKind:             kind,
		Headers:              headers,
		CACertFile:           config.CACertFile.ValueString(),
		Insecure:             config.Insecure.ValueBool(),
		ClientCert:           config.ClientCert.ValueString(),
		ClientKey:            config.ClientKey.ValueString(),
		Retries:              int(retries),
		AnswerTimeout:        answerTimeout,
		MaxRequestsPerMinute: int(config.MaxRequestsPerMin.ValueInt64()),
		UserAgent:            userAgent,
		Log:                  tokenMaskingLogger(token, tflog.Debug),
		Progress:             tokenMaskingLogger(token, tflog.Info),
	}, diags
}

// missingToken says why no token is sent, or returns "" when one is.
func missingToken(config providerModel, cfg gitlab.Config) string {
	if cfg.Token != "" {
		return ""
	}
	why := "the provider block sets no token and GITLAB_TOKEN is empty"
	switch {
	case os.Getenv("CI_JOB_TOKEN") == "":
	case !autoCISupport(config):
		why += ", and CI_JOB_TOKEN is ignored because enable_auto_ci_support = false"
	case os.Getenv("CI_API_V4_URL") == "" && os.Getenv("CI_SERVER_URL") == "":
		why += ", and CI_JOB_TOKEN is sent nowhere: neither CI_API_V4_URL nor CI_SERVER_URL is set, as GitLab CI sets " +
			"them in every job, so nothing says which GitLab the job token belongs to"
	default:
		why += fmt.Sprintf(", and CI_JOB_TOKEN is not sent to %s, which is not the GitLab that runs the job "+
			"(CI_API_V4_URL is %q, CI_SERVER_URL is %q)", cfg.BaseURL, os.Getenv("CI_API_V4_URL"), os.Getenv("CI_SERVER_URL"))
	}
	return why
}

// autoCISupport reports whether enable_auto_ci_support is on, which it is unless set to false.
func autoCISupport(config providerModel) bool {
	return config.EnableAutoCISupport.IsNull() || config.EnableAutoCISupport.ValueBool()
}

// jobsGitLab reports whether baseURL is the GitLab that runs the CI job, the only one a job token may be sent to:
// inside a job (GitLab CI sets CI_API_V4_URL and CI_SERVER_URL beside CI_JOB_TOKEN), no base URL is configured or
// it has the origin of one of them. A CI_JOB_TOKEN without either is not a job's, and goes nowhere.
func jobsGitLab(baseURL string) bool {
	api, server := os.Getenv("CI_API_V4_URL"), os.Getenv("CI_SERVER_URL")
	if api == "" && server == "" {
		return false
	}
	return baseURL == "" || gitlab.SameOrigin(baseURL, api) || gitlab.SameOrigin(baseURL, server)
}

// tokenMaskingLogger sends the client's log lines to tflog at the level of logf, with the token masked in case it
// ever reaches a message or field.
func tokenMaskingLogger(token string, logf func(context.Context, string, ...map[string]any)) func(ctx context.Context, msg string, fields map[string]any) {
	return func(ctx context.Context, msg string, fields map[string]any) {
		if token != "" {
			ctx = tflog.MaskMessageStrings(ctx, token)
			ctx = tflog.MaskAllFieldValuesStrings(ctx, token)
		}
		logf(ctx, msg, fields)
	}
}

// plainHTTPWarning returns a warning when the token would travel unencrypted to a host that is not this machine.
func plainHTTPWarning(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme != "http" {
		return ""
	}
	host := u.Hostname()
	if host == "localhost" {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("The base URL %s uses http://, so the GitLab token is sent unencrypted to %s. Use https:// "+
		"unless the connection is protected some other way.", baseURL, host)
}

// authCheckDetail explains a failed early_auth_check.
func authCheckDetail(baseURL string, err error) string {
	switch {
	case gitlab.HasStatus(err, 401):
		return fmt.Sprintf("GitLab at %s rejected the token (401 Unauthorized): %s\n\n"+
			"Check that token (or GITLAB_TOKEN) holds a valid, unexpired, unrevoked access token for this GitLab instance.",
			baseURL, err)
	case gitlab.HasStatus(err, 403):
		return fmt.Sprintf("GitLab at %s accepted the token but refused the check (403 Forbidden): %s\n\n"+
			"The token needs the api scope to manage release links.", baseURL, err)
	default:
		return fmt.Sprintf("The authentication check against %s failed: %s\n\n"+
			"Check base_url and the network path to GitLab.", baseURL, err)
	}
}

// firstSet returns the first non-empty string.
func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
