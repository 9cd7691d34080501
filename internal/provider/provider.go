// Package provider implements the gitlab Terraform provider: its configuration, the gitlab_release_link and
// gitlab_release_links resources, and the data sources and list resources of the same names. It maps Terraform
// values to calls of internal/gitlab and never speaks HTTP or GitLab's JSON itself; the one JSON it writes is its
// own record in Terraform's private state, which the framework stores as JSON (moves.go).
package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

var (
	_ provider.Provider                     = &gitlabProvider{}
	_ provider.ProviderWithConfigValidators = &gitlabProvider{}
	_ provider.ProviderWithListResources    = &gitlabProvider{}
)

// defaultBaseURL is used when neither base_url, GITLAB_BASE_URL nor (for job tokens) CI_API_V4_URL or
// CI_SERVER_URL is set.
const defaultBaseURL = "https://gitlab.com"

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &gitlabProvider{version: version} }
}

// gitlabProvider is the provider implementation; version is carried in the User-Agent.
type gitlabProvider struct{ version string }

// providerModel is the provider block.
type providerModel struct {
	BaseURL             types.String `tfsdk:"base_url"`
	Token               types.String `tfsdk:"token"`
	CACertFile          types.String `tfsdk:"cacert_file"`
	Insecure            types.Bool   `tfsdk:"insecure"`
	ClientCert          types.String `tfsdk:"client_cert"`
	ClientKey           types.String `tfsdk:"client_key"`
	Headers             types.Map    `tfsdk:"headers"`
	Retries             types.Int64  `tfsdk:"retries"`
	RequestTimeout      types.String `tfsdk:"request_timeout"`
	MaxRequestsPerMin   types.Int64  `tfsdk:"max_requests_per_minute"`
	EarlyAuthCheck      types.Bool   `tfsdk:"early_auth_check"`
	EnableAutoCISupport types.Bool   `tfsdk:"enable_auto_ci_support"`
	LinksParallelism    types.Int64  `tfsdk:"release_links_parallelism"`
}

func (p *gitlabProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "gitlab"
	resp.Version = p.version
}

func (p *gitlabProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The GitLab provider manages the assets (links) attached to GitLab releases. " +
			"[Upstream API](https://docs.gitlab.com/api/releases/links/)",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				MarkdownDescription: "GitLab URL, with or without `/api/v4` and a trailing slash, e.g. `https://gitlab.example.com`. " +
					"Defaults to `GITLAB_BASE_URL`, then (when the CI job token is used) `CI_API_V4_URL` or `CI_SERVER_URL`, then `" +
					defaultBaseURL + "`.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "A personal, project or group access token, an OAuth token or a CI job token. " +
					"Defaults to `GITLAB_TOKEN`; with neither set, `CI_JOB_TOKEN` is used inside GitLab CI, but only against the " +
					"GitLab that runs the job: when no base URL is configured, or it has the origin (scheme, host and port) of " +
					"`CI_API_V4_URL` or `CI_SERVER_URL`.",
				Optional:  true,
				Sensitive: true,
			},
			"cacert_file": schema.StringAttribute{
				MarkdownDescription: "Path to a PEM file of CA certificates trusted in addition to the system's, for a self-signed GitLab.",
				Optional:            true,
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. Only for testing; defaults to `false`.",
				Optional:            true,
			},
			"client_cert": schema.StringAttribute{
				MarkdownDescription: "Path to a PEM client certificate for mutual TLS; requires `client_key`.",
				Optional:            true,
			},
			"client_key": schema.StringAttribute{
				MarkdownDescription: "Path to the PEM private key of `client_cert`; requires `client_cert`.",
				Optional:            true,
			},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Extra HTTP headers sent with every request, e.g. for a proxy in front of GitLab.",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a 502, 503 or 504, a connection error "+
					"or an attempt GitLab did not answer in time; also how many failed rounds in a row make the provider declare "+
					"GitLab unavailable and fail every request at once. Defaults to `%d`, which rides out an outage of 15 to 30 seconds. "+
					"Rate limits (429) are not counted: they are waited out for as long as the operation's timeout allows.", gitlab.DefaultRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one attempt of a request may wait for GitLab's complete answer before it counts "+
					"as lost and is retried, as a duration such as `\"45s\"` or `\"2m\"`. Defaults to `\"%s\"`.", gitlab.DefaultAnswerTimeout),
				Optional:   true,
				Validators: []validator.String{positiveDuration},
			},
			"max_requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Caps the requests this provider sends to GitLab, spaced evenly, for a token shared by many " +
					"concurrent runs. Off by default: the provider follows GitLab's own rate-limit answers. GitLab.com allows " +
					"2,000 authenticated API requests a minute per user; self-managed instances set their own limits.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 1000000)},
			},
			"early_auth_check": schema.BoolAttribute{
				MarkdownDescription: "Make one authenticated request when the provider is configured, so a bad token fails fast. " +
					"Defaults to `false`: no request is made until one is needed.",
				Optional: true,
			},
			"release_links_parallelism": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many requests one `gitlab_release_links` resource sends to GitLab at a time "+
					"when it creates, changes or deletes links. Defaults to `%d`. Terraform runs up to `-parallelism` resources at "+
					"once, so several such resources multiply it; the provider's rate-limit handling and `max_requests_per_minute` "+
					"apply to all requests together.", defaultParallelism),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 100)},
			},
			"enable_auto_ci_support": schema.BoolAttribute{
				MarkdownDescription: "Use `CI_JOB_TOKEN` against the job's own GitLab when no token is configured. Defaults to `true`.",
				Optional:            true,
			},
		},
	}
}

func (p *gitlabProvider) ConfigValidators(_ context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{providervalidator.RequiredTogether(path.MatchRoot("client_cert"), path.MatchRoot("client_key"))}
}

func (p *gitlabProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"base_url": config.BaseURL, "token": config.Token, "cacert_file": config.CACertFile, "insecure": config.Insecure,
		"client_cert": config.ClientCert, "client_key": config.ClientKey, "headers": config.Headers,
		"retries": config.Retries, "request_timeout": config.RequestTimeout, "max_requests_per_minute": config.MaxRequestsPerMin,
		"early_auth_check": config.EarlyAuthCheck, "enable_auto_ci_support": config.EnableAutoCISupport,
		"release_links_parallelism": config.LinksParallelism,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown GitLab Provider Setting",
				fmt.Sprintf("The provider cannot be configured because %s depends on a value that is only known after apply. "+
					"Set it to a value known at plan time (a variable, a literal or an environment variable), "+
					"or apply the resource it depends on first with -target.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	cfg, diags := clientConfig(config, p.version, req.TerraformVersion)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := gitlab.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create GitLab Client", err.Error())
		return
	}
	if warning := plainHTTPWarning(client.BaseURL()); warning != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("base_url"), "Unencrypted Connection to GitLab", warning)
	}
	if config.EarlyAuthCheck.ValueBool() {
		// The check waits like any operation would, rate limits included, but no longer.
		ctx, cancel := context.WithTimeout(ctx, gitlab.DefaultOperationTimeout)
		defer cancel()
		if err := client.CheckAuth(ctx); err != nil {
			resp.Diagnostics.AddError("Unable to Authenticate to GitLab", authCheckDetail(client.BaseURL(), err))
			return
		}
	}
	parallelism := defaultParallelism
	if !config.LinksParallelism.IsNull() {
		parallelism = int(config.LinksParallelism.ValueInt64())
	}
	data := &providerData{client: client, links: newLinkCache(client), owners: newOwners(), noToken: missingToken(config, cfg),
		parallelism: parallelism}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *gitlabProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewReleaseLinkResource, NewReleaseLinksResource}
}

func (p *gitlabProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewReleaseLinkDataSource, NewReleaseLinksDataSource}
}

// ListResources are what `terraform query` (Terraform 1.14 and later) lists.
func (p *gitlabProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewReleaseLinkListResource, NewReleaseLinksListResource}
}
