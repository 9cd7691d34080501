package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

var (
	_ resource.ResourceWithConfigure   = &releaseLinkResource{}
	_ resource.ResourceWithImportState = &releaseLinkResource{}
	_ resource.ResourceWithModifyPlan  = &releaseLinkResource{}
	_ resource.ResourceWithIdentity    = &releaseLinkResource{}
)

// NewReleaseLinkResource returns the gitlab_release_link resource.
func NewReleaseLinkResource() resource.Resource { return &releaseLinkResource{} }

// releaseLinkResource manages one link (asset) of a GitLab release.
type releaseLinkResource struct{ data *providerData }

// releaseLinkResourceModel is the resource's state: the shared link attributes plus timeouts.
type releaseLinkResourceModel struct {
	releaseLinkModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *releaseLinkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_link"
	// The identity holds the project as configured, which may switch between the ID and the path of one project.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *releaseLinkResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	pathConflict := func(other string) validator.String {
		return stringvalidator.ConflictsWith(path.MatchRoot(other))
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages one link (asset) of a GitLab release: a binary, package, runbook or image. " +
			"[Upstream API](https://docs.gitlab.com/api/releases/links/)",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The link's ID, `<project>:<tag_name>:<link_id>`.",
				Computed:            true,
			},
			"project": projectAttribute("the link"),
			"tag_name": tagNameAttribute("The tag of the release the link belongs to. Changing it moves the link: it is created " +
				"on the new release first, and deleted from the old one once it exists there."),
			"name": schema.StringAttribute{
				MarkdownDescription: "The link's name, unique within the release.",
				Required:            true,
				Validators:          []validator.String{notBlank},
			},
			"url":       linkURLAttribute("The URL the link points to, unique within the release: `http`, `https` or `ftp`.", true),
			"link_type": linkTypeAttribute(),
			"direct_asset_path": directAssetPathAttribute(" The state holds the path under both this name and `filepath`, "+
				"whichever one the configuration uses.", true, pathConflict("filepath")),
			"filepath": schema.StringAttribute{
				MarkdownDescription: "Deprecated name of `direct_asset_path`, holding the same path. `\"\"` means no path, as it " +
					"did in the official provider.",
				DeprecationMessage: "Use direct_asset_path instead; filepath is its old name and will be removed in a future major version.",
				Optional:           true,
				Computed:           true,
				Validators:         slices.Concat(legacyAssetPathValidators, []validator.String{pathConflict("direct_asset_path")}),
			},
			"link_id": schema.Int64Attribute{
				MarkdownDescription: "GitLab's ID of the link.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"direct_asset_url": schema.StringAttribute{
				MarkdownDescription: "The link's permanent download URL when `direct_asset_path` is set, otherwise its `url`.",
				Computed:            true,
			},
			"external": schema.BoolAttribute{
				MarkdownDescription: "Deprecated: whether the URL points outside GitLab. GitLab 16.0 and later no longer return it, so it is null there.",
				DeprecationMessage:  "GitLab 16.0 removed external from its API; the attribute is null on current GitLab.",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *releaseLinkResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *releaseLinkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.busy()()
	var plan releaseLinkResourceModel
	resp.Diagnostics.Append(plan.fromRaw(ctx, req.Plan.Raw)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, _, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	project, tag := plan.Project.ValueString(), plan.TagName.ValueString()
	want := plan.fields()
	link, err := r.create(ctx, project, tag, want, &resp.Diagnostics)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Release Link", r.data.createErrorDetail(project, tag, want.name, err))
		if maybeMade(err) {
			// GitLab may hold the link. The state keeps this write, without a link ID, so that the next refresh can
			// tell the link from anyone else's (see Read); Terraform marks it tainted, and the next apply replaces it.
			plan.LinkID, plan.ID, plan.DirectAssetURL, plan.External = types.Int64Null(), types.StringNull(), types.StringNull(), types.BoolNull()
			raw, diags := plan.toRaw(ctx, req.Plan.Raw.Type())
			resp.Diagnostics.Append(diags...)
			resp.State.Raw = raw
		}
		return
	}
	plan.setFromWrite(link, optionalPath(want.path))
	resp.Diagnostics.Append(plan.save(ctx, &resp.State, resp.Identity)...)
}

func (r *releaseLinkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.data.busy()()
	var state releaseLinkResourceModel
	resp.Diagnostics.Append(state.fromRaw(ctx, req.State.Raw)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, _, cancel, ok := withTimeout(ctx, state.Timeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	project, tag, linkID := state.Project.ValueString(), state.TagName.ValueString(), state.LinkID.ValueInt64()
	priors, diags := readMoves(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	records := r.data.refreshMoves(ctx, priors)
	resp.Diagnostics.Append(saveMoves(ctx, resp.Private, records)...)
	if state.LinkID.IsNull() {
		r.readLostCreate(ctx, &state, resp)
		return
	}
	// The first read after an import has only the import ID's three parts: no name yet.
	imported := state.Name.IsNull() && state.Filepath.IsNull()
	link, err := r.data.links.read(ctx, project, tag, linkID)
	if imported && (errors.Is(err, errLinkGone) || gitlab.IsRecordNotFound(err)) {
		// Terraform would only say "Cannot import non-existent remote object".
		resp.Diagnostics.AddError("Unable to Import Release Link", r.data.importNotFound(ctx, project, tag, linkID, err))
		return
	}
	if record := records.latest(); (errors.Is(err, errLinkGone) || gitlab.IsRecordNotFound(err)) && record != nil {
		// The old link of an unfinished move is gone (its delete's answer was lost, or someone deleted it): the move
		// is done, and the state moves to the link the latest move made.
		links, err := r.data.links.all(ctx, record.Project, record.TagName)
		if ours := r.data.recorded(ctx, record, links); err == nil && len(ours) == 1 {
			moved := &ours[0]
			resp.Diagnostics.AddWarning("Release Link Moved", fmt.Sprintf("Link %d (%q) of release %q in project %q no "+
				"longer exists, and an earlier move had made link %d on release %q of project %q in its place: the state "+
				"now holds that link.", linkID, state.Name.ValueString(), tag, project, moved.ID, record.TagName, record.Project))
			state.Project, state.TagName = types.StringValue(record.Project), types.StringValue(record.TagName)
			r.data.owners.held(true, moved.ID)
			state.setFromAPI(moved)
			resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
			resp.Diagnostics.Append(saveMoves(ctx, resp.Private, records.replace(record, nil))...)
			return
		}
	}
	if errors.Is(err, errLinkGone) || gitlab.IsRecordNotFound(err) {
		// The link or its whole release was deleted outside Terraform: forget it so the next plan re-creates it.
		forget(ctx, resp, setIdentity(ctx, resp.Identity, state.releaseLinkModel), "Release Link Deleted Outside Terraform",
			fmt.Sprintf("Link %d (%q) of release %q in project %q no longer exists, so it leaves the state, and the next plan "+
				"creates it anew.", linkID, state.Name.ValueString(), tag, project))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Release Link", r.data.explain(releaseLinkType, true).detail(
			fmt.Sprintf("Could not read link %d of release %q in project %q.", linkID, tag, project), project, tag, err))
		return
	}
	r.data.owners.held(true, link.ID)
	if imported {
		// A link without a path gets filepath = "", as the official SDKv2 provider
		// stored it, which a configuration that leaves the path out plans as it is (see planPaths) and one that
		// says filepath = "" matches.
		state.Filepath = types.StringValue("")
	}
	state.setFromAPI(link)
	resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
}

func (r *releaseLinkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.busy()()
	var plan, state releaseLinkResourceModel
	resp.Diagnostics.Append(plan.fromRaw(ctx, req.Plan.Raw)...)
	resp.Diagnostics.Append(state.fromRaw(ctx, req.State.Raw)...)
	priors, diags := readMoves(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, _, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	moving, ok := r.data.moving(ctx, r.data.explain(releaseLinkType, true), state.Project, state.TagName, plan.Project, plan.TagName,
		&resp.Diagnostics)
	if !ok {
		return
	}
	if moving {
		r.move(ctx, &plan, &state, priors, resp)
		return
	}
	project, tag, linkID := plan.Project.ValueString(), plan.TagName.ValueString(), state.LinkID.ValueInt64()
	if plan.TagName.Equal(state.TagName) && plan.fields() == state.fields() {
		// Only the project's spelling (ID or path of the same project) or the timeouts changed: nothing to send.
		plan.LinkID, plan.DirectAssetURL, plan.External = state.LinkID, state.DirectAssetURL, state.External
		plan.ID = types.StringValue(releaseLinkID{Project: project, TagName: tag, LinkID: linkID}.String())
		resp.Diagnostics.Append(plan.save(ctx, &resp.State, resp.Identity)...)
		return
	}
	opts := plan.fields().updateOptions()
	defer r.data.links.invalidate(tag)
	link, err := r.data.client.UpdateReleaseLink(ctx, project, tag, linkID, opts)
	if gitlab.IsRecordNotFound(err) {
		// GitLab answers the same for a missing link and a missing release.
		resp.Diagnostics.AddError("Unable to Update Release Link", fmt.Sprintf("Link %d (%q) of release %q in project %q "+
			"no longer exists: it, or its whole release, was deleted outside Terraform after the plan was made.\n\n"+
			"GitLab said: %s\n\nRun terraform apply again: the refresh notices the deletion and plans to create the link anew.",
			linkID, opts.Name, tag, project, err))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Update Release Link", r.data.explain(releaseLinkType, true).detail(
			fmt.Sprintf("Could not update link %d (%q) of release %q in project %q.", linkID, opts.Name, tag, project),
			project, tag, err))
		return
	}
	plan.setFromWrite(link, opts.DirectAssetPath)
	resp.Diagnostics.Append(plan.save(ctx, &resp.State, resp.Identity)...)
}

func (r *releaseLinkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer r.data.busy()()
	var state releaseLinkResourceModel
	resp.Diagnostics.Append(state.fromRaw(ctx, req.State.Raw)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, _, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	priors, diags := readMoves(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() || !r.data.deleteMoved(ctx, priors, releaseLinkType, "Unable to Delete Release Link", &resp.Diagnostics) {
		return
	}

	project, tag, linkID := state.Project.ValueString(), state.TagName.ValueString(), state.LinkID.ValueInt64()
	if state.LinkID.IsNull() {
		// A create whose answer was lost, not refreshed since (-refresh=false): the link may exist.
		link, err := r.findLostCreate(ctx, &state)
		if err != nil {
			resp.Diagnostics.AddError("Unable to Delete Release Link", err.Error())
			return
		}
		if link == nil {
			return
		}
		linkID = link.ID
	}
	defer r.data.links.invalidate(tag)
	err := r.data.client.DeleteReleaseLink(ctx, project, tag, linkID)
	if err == nil || gitlab.IsRecordNotFound(err) {
		// Already gone: deleted outside Terraform, with its release, or by an earlier attempt whose answer was
		// lost. Only GitLab's own 404 for a link or release counts: its project 404 is the same for a deleted
		// project and for a token that lost access, and a proxy's 404 page says nothing about the link.
		return
	}
	resp.Diagnostics.AddError("Unable to Delete Release Link", r.data.explain(releaseLinkType, true).detail(
		fmt.Sprintf("Could not delete link %d of release %q in project %q, so it stays in the state.", linkID, tag, project),
		project, tag, err))
}

// ModifyPlan plans the asset path under both of its names from the configuration, and fills in the computed values
// that are already known, so a plan shows "known after apply" only where something really changes. It decides
// whether a changed project or tag moves the link, tells the walk which link the resource holds (owners.go), and
// checks a link the plan creates, moves or changes against the release it goes to (conflicts.go).
func (r *releaseLinkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.data.busy()()
	var state *releaseLinkResourceModel
	if !req.State.Raw.IsNull() {
		state = &releaseLinkResourceModel{}
		resp.Diagnostics.Append(state.fromRaw(ctx, req.State.Raw)...)
	}
	if state != nil && !state.LinkID.IsNull() {
		r.data.planned(state.LinkID.ValueInt64())
	}
	if req.Plan.Raw.IsNull() {
		r.data.forgetMoves(ctx, req.Private, resp.Private, &resp.Diagnostics)
		return
	}
	var plan, config releaseLinkResourceModel
	resp.Diagnostics.Append(plan.fromRaw(ctx, req.Plan.Raw)...)
	resp.Diagnostics.Append(config.fromRaw(ctx, req.Config.Raw)...)
	if resp.Diagnostics.HasError() {
		return
	}
	priors, diags := readMoves(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	moving := false
	if state != nil {
		var ok bool
		if moving, ok = r.data.moving(ctx, r.data.explain(releaseLinkType, true), state.Project, state.TagName, plan.Project,
			plan.TagName, &resp.Diagnostics); !ok {
			return
		}
	}
	var current *unfinishedMove // the record of the release the plan moves to
	if !plan.Project.IsUnknown() && !plan.TagName.IsUnknown() {
		current = r.data.moveTo(ctx, priors, plan.Project.ValueString(), plan.TagName.ValueString())
		priors.leftBehind(current, &resp.Diagnostics)
	}
	plan.planPaths(config.releaseLinkModel, state)
	plan.planComputed(state, moving)
	// A changed name, URL or path is checked as a new link's are, by a plan that reads the state: not again by the
	// apply's second plan (whose update meets any conflict itself), which would read each release once more.
	if state == nil || moving || plan.fields() != state.fields() && r.data.refreshed() {
		r.data.checkLinks(ctx, r.data.explain(releaseLinkType, state != nil), plan.Project, plan.TagName,
			[]newLink{plan.newLink(state, moving)}, false, current, &resp.Diagnostics)
	}
	raw, diags := plan.toRaw(ctx, req.Plan.Raw.Type())
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() && !raw.Equal(req.Plan.Raw) {
		resp.Plan.Raw = raw
	}
}
