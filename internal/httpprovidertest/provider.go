// Package httpprovidertest is a stand-in for hashicorp/http, for tests that run a configuration using its http
// data source with the real Terraform CLI: the guide "Checking that every link answers" in particular. Only
// hashicorp/http v1.2.0, from 2020, can be built from the Go module proxy that tests may use, and it has neither
// status_code nor method; the registry's v3, which users get, cannot be had offline.
//
// The stand-in has the v3 attributes the guide uses, with v3's behaviour: url, method (GET, HEAD or POST),
// request_headers and request_timeout_ms in; id, status_code, response_headers and response_body out. Redirects
// are followed (up to 10), any answer below 500 is a status_code, not an error, and a 5xx other than 501, a 429
// and a failed connection are errors, as go-retryablehttp with no retries reports them. What it does not cover
// (retry, TLS settings, sensitive bodies) it does not accept, so a configuration that uses them fails loudly here
// rather than passing untested.
package httpprovidertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ provider.Provider     = (*httpProvider)(nil)
	_ datasource.DataSource = (*httpDataSource)(nil)
)

// New returns the stand-in provider, which has no configuration and one data source, http.
func New() provider.Provider { return &httpProvider{} }

type httpProvider struct{}

func (p *httpProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "http"
	resp.Version = "test"
}

func (p *httpProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *httpProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *httpProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *httpProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return &httpDataSource{} }}
}

// httpDataSource is hashicorp/http's data "http", reduced to what the stand-in covers.
type httpDataSource struct{}

type httpModel struct {
	ID              types.String `tfsdk:"id"`
	URL             types.String `tfsdk:"url"`
	Method          types.String `tfsdk:"method"`
	RequestHeaders  types.Map    `tfsdk:"request_headers"`
	RequestTimeout  types.Int64  `tfsdk:"request_timeout_ms"`
	StatusCode      types.Int64  `tfsdk:"status_code"`
	ResponseHeaders types.Map    `tfsdk:"response_headers"`
	ResponseBody    types.String `tfsdk:"response_body"`
}

func (d *httpDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = "http"
}

func (d *httpDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes one HTTP request and exports the answer, as hashicorp/http v3's data source does.",
		Attributes: map[string]schema.Attribute{
			"id":  schema.StringAttribute{Computed: true, MarkdownDescription: "The URL requested."},
			"url": schema.StringAttribute{Required: true, MarkdownDescription: "The URL to request, `http` or `https`."},
			"method": schema.StringAttribute{Optional: true, MarkdownDescription: "`GET` (the default), `HEAD` or `POST`.",
				Validators: []validator.String{stringvalidator.OneOf(http.MethodGet, http.MethodHead, http.MethodPost)}},
			"request_headers": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Headers to send."},
			"request_timeout_ms": schema.Int64Attribute{Optional: true, MarkdownDescription: "How long the request may take.",
				Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"status_code": schema.Int64Attribute{Computed: true, MarkdownDescription: "The answer's status code."},
			"response_headers": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The answer's headers, repeated ones joined with `, `."},
			"response_body": schema.StringAttribute{Computed: true, MarkdownDescription: "The answer's body."},
		},
	}
}

func (d *httpDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m httpModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	method := m.Method.ValueString()
	if method == "" {
		method = http.MethodGet
	}
	request, err := http.NewRequestWithContext(ctx, method, m.URL.ValueString(), nil)
	if err != nil {
		resp.Diagnostics.AddError("Error creating request", err.Error())
		return
	}
	headers := map[string]string{}
	resp.Diagnostics.Append(m.RequestHeaders.ElementsAs(ctx, &headers, false)...)
	for name, value := range headers {
		request.Header.Set(name, value)
	}
	client := &http.Client{Timeout: time.Duration(m.RequestTimeout.ValueInt64()) * time.Millisecond}
	answer, err := client.Do(request)
	if err != nil {
		resp.Diagnostics.AddError("Error making request", fmt.Sprintf("Error making request: %s", err))
		return
	}
	defer func() { _ = answer.Body.Close() }()
	// go-retryablehttp's default policy retries these, and with no retry configured gives up with an error.
	if answer.StatusCode == http.StatusTooManyRequests || answer.StatusCode >= 500 && answer.StatusCode != http.StatusNotImplemented {
		resp.Diagnostics.AddError("Error making request", fmt.Sprintf("Error making request: %s %s giving up after 1 attempt(s)",
			method, m.URL.ValueString()))
		return
	}
	body, err := io.ReadAll(answer.Body)
	if err != nil {
		resp.Diagnostics.AddError("Error reading response body", err.Error())
		return
	}
	answerHeaders := map[string]string{}
	for name, values := range answer.Header {
		answerHeaders[name] = strings.Join(values, ", ")
	}
	var diags diag.Diagnostics
	m.ResponseHeaders, diags = types.MapValueFrom(ctx, types.StringType, answerHeaders)
	resp.Diagnostics.Append(diags...)
	m.ID = m.URL
	m.StatusCode = types.Int64Value(int64(answer.StatusCode))
	m.ResponseBody = types.StringValue(string(body))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
