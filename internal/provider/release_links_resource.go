package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlab-release-links/terraform-provider-gitlab/internal/gitlab"
)

var (
	_ resource.ResourceWithConfigure   = &releaseLinksResource{}
	_ resource.ResourceWithImportState = &releaseLinksResource{}
	_ resource.ResourceWithModifyPlan  = &releaseLinksResource{}
	_ resource.ResourceWithIdentity    = &releaseLinksResource{}
)

// NewReleaseLinksResource returns the gitlab_release_links resource.
func NewReleaseLinksResource() resource.Resource { return &releaseLinksResource{} }

// releaseLinksResource manages every link of a GitLab release as one resource.
type releaseLinksResource struct{ data *providerData }

func (r *releaseLinksResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release_links"
	// The identity holds the project as configured, which may switch between the ID and the path of one project.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *releaseLinksResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages every link (asset) of a GitLab release as one resource: links added outside " +
			"Terraform are deleted, deleted ones are created again, changed ones are changed back. " +
			"[Upstream API](https://docs.gitlab.com/api/releases/links/)",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<project>:<tag_name>`.",
				Computed:            true,
			},
			"project": projectAttribute("the links"),
			"tag_name": tagNameAttribute("The tag of the release. Changing it moves the links: they are created on the new " +
				"release, which must have none, and deleted from the old one once the new one holds them all. To keep " +
				"the links of earlier releases, give each release a resource of its own instead (see the guide on pipelines)."),
			"links": schema.MapNestedAttribute{
				MarkdownDescription: "Every link of the release, keyed by link name; `{}` means the release has no links. " +
					"Names, URLs and direct asset paths are unique within a release.",
				Required:     true,
				NestedObject: releaseLinksObject(),
				Validators:   []validator.Map{mapvalidator.NoNullValues(), mapvalidator.KeysAre(notBlank), uniqueLinkValues},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *releaseLinksResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *releaseLinksResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.busy()()
	var plan releaseLinksResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, timeout, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	project, tag := plan.Project.ValueString(), plan.TagName.ValueString()
	made, failed := r.createOn(ctx, project, tag, elements(plan.Links), nil, timeout, "Unable to Create Release Links", "", createKept, &resp.Diagnostics)
	if failed && len(made) == 0 {
		return
	}
	// What a failed create could not delete again, or could not look for, stays in the state, so that nothing is
	// forgotten; Terraform taints it. The next refresh reads the release as it is, this resource's own links
	// included, and the apply replaces them all.
	plan.ID = types.StringValue(releaseID{Project: project, TagName: tag}.String())
	plan.Links = linksValue(made)
	resp.Diagnostics.Append(plan.save(ctx, &resp.State, resp.Identity)...)
}

func (r *releaseLinksResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.data.busy()()
	var state releaseLinksResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, _, cancel, ok := withTimeout(ctx, state.Timeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	priors, diags := readMoves(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	records := r.data.refreshMoves(ctx, priors)
	resp.Diagnostics.Append(saveMoves(ctx, resp.Private, records)...)
	project, tag := state.Project.ValueString(), state.TagName.ValueString()
	links, err := r.data.links.all(ctx, project, tag)
	if record := records.latest(); gitlab.IsRecordNotFound(err) && !state.Links.IsNull() && record != nil {
		// The old release of an unfinished move is gone: the state moves to the release of the latest move.
		project, tag = record.Project, record.TagName
		state.Project, state.TagName = types.StringValue(project), types.StringValue(tag)
		if links, err = r.data.links.all(ctx, project, tag); err == nil {
			resp.Diagnostics.AddWarning("Release Links Moved", r.data.movedOnRead(ctx, record, links))
		}
		resp.Diagnostics.Append(saveMoves(ctx, resp.Private, records.replace(record, nil))...)
	}
	if gitlab.IsRecordNotFound(err) && state.Links.IsNull() {
		// The first read after an import, of a release that does not exist: say so, rather than Terraform's bare
		// "Cannot import non-existent remote object".
		resp.Diagnostics.AddError("Unable to Import Release Links",
			r.data.explain(releaseLinksType, false).releaseRead(project, tag, err)+"\n\nThere is nothing to import.")
		return
	}
	if gitlab.IsRecordNotFound(err) {
		// The release was deleted outside Terraform, and its links with it: the next plan creates them anew.
		forget(ctx, resp, setReleaseIdentity(ctx, resp.Identity, state.Project, state.TagName), "Release Deleted Outside Terraform",
			fmt.Sprintf("Release %q of project %q no longer exists, and its links went with it, so gitlab_release_links "+
				"leaves the state. The next plan creates the links anew, which needs the release to exist again.", tag, project))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Release Links", r.data.explain(releaseLinksType, true).releaseRead(project, tag, err))
		return
	}
	held := make(map[string]linkElement, len(links))
	var known map[int64]string
	for i := range links {
		r.data.owners.held(true, links[i].ID)
		if _, ok := links[i].Path(tag); !ok && links[i].DirectAssetURL != links[i].URL && known == nil {
			// A path that direct_asset_url does not show readably is the one state holds for that link.
			known = map[int64]string{}
			for _, e := range elements(state.Links) {
				known[e.linkID.ValueInt64()] = e.path.ValueString()
			}
		}
		held[links[i].Name] = elementFromAPI(&links[i], tag, known[links[i].ID])
	}
	state.ID = types.StringValue(releaseID{Project: project, TagName: tag}.String())
	state.Links = linksValue(held)
	resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
}

func (r *releaseLinksResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.busy()()
	var plan, state releaseLinksResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	priors, diags := readMoves(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, timeout, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	moving, ok := r.data.moving(ctx, r.data.explain(releaseLinksType, true), state.Project, state.TagName, plan.Project,
		plan.TagName, &resp.Diagnostics)
	if !ok {
		return
	}
	if moving {
		r.move(ctx, &plan, &state, priors, timeout, resp)
		return
	}
	project, tag := plan.Project.ValueString(), plan.TagName.ValueString()
	held := elements(state.Links)
	writes := orderWrites(changesFor(elements(plan.Links), held))
	results := r.data.runWrites(ctx, project, tag, writes, r.data.parallelism, &resp.Diagnostics)
	plan.Links = linksValue(applyResults(held, tag, writes, results))
	plan.ID = types.StringValue(releaseID{Project: project, TagName: tag}.String())
	if f := failedWrites(writes, results); f.count > 0 {
		what := fmt.Sprintf("Could not make %d of the %d changes to the links of release %q in project %q. The state "+
			"records the changes that were made, so the next plan shows only the rest:\n\n%s", f.count, len(writes), tag, project, f.list)
		resp.Diagnostics.AddError("Unable to Update Release Links", r.data.writesErrorDetail(true, what, project, tag, f.first))
	}
	resp.Diagnostics.Append(plan.save(ctx, &resp.State, resp.Identity)...)
}

func (r *releaseLinksResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer r.data.busy()()
	var state releaseLinksResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	if diags.HasError() || !r.data.deleteMoved(ctx, priors, releaseLinksType, "Unable to Delete Release Links", &resp.Diagnostics) {
		return
	}

	// A link or release already gone counts as deleted; GitLab's project 404, which a token that lost access
	// gets too, does not (see explainer.projectNotFound).
	project, tag := state.Project.ValueString(), state.TagName.ValueString()
	held := elements(state.Links)
	writes := orderWrites(changesFor(nil, held)) // no link planned: every held link is deleted
	results := r.data.runWrites(ctx, project, tag, writes, r.data.parallelism, &resp.Diagnostics)
	if f := failedWrites(writes, results); f.count > 0 {
		state.Links = linksValue(applyResults(held, tag, writes, results))
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		what := fmt.Sprintf("Could not delete %d of the %d links of release %q in project %q, so they stay in the "+
			"state:\n\n%s", f.count, len(writes), tag, project, f.list)
		resp.Diagnostics.AddError("Unable to Delete Release Links", r.data.writesErrorDetail(true, what, project, tag, f.first))
	}
}

// ModifyPlan fills in the computed values that are already known: id, and for each link its link_id and
// direct_asset_url (see planComputed), so that a plan shows which links are renamed rather than replaced. It decides
// whether a changed project or tag moves the links (another project, rather than another spelling of the same one),
// tells the walk which links the resource holds (owners.go), and checks the release a create or a move goes to
// (conflicts.go).
func (r *releaseLinksResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer r.data.busy()()
	var state *releaseLinksResourceModel
	if !req.State.Raw.IsNull() {
		state = &releaseLinksResourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if state != nil {
		for _, e := range elements(state.Links) {
			r.data.planned(e.linkID.ValueInt64())
		}
	}
	if req.Plan.Raw.IsNull() {
		r.data.forgetMoves(ctx, req.Private, resp.Private, &resp.Diagnostics)
		return
	}
	priors, diags := readMoves(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if req.Plan.Raw.Equal(req.State.Raw) {
		priors.leftBehind(nil, &resp.Diagnostics)
		return
	}
	var plan releaseLinksResourceModel
	var configLinks types.Map
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("links"), &configLinks)...)
	if resp.Diagnostics.HasError() {
		return
	}
	moving := false
	if state != nil {
		var ok bool
		if moving, ok = r.data.moving(ctx, r.data.explain(releaseLinksType, true), state.Project, state.TagName, plan.Project,
			plan.TagName, &resp.Diagnostics); !ok {
			return
		}
	}
	plan.ID = types.StringUnknown()
	if !plan.Project.IsUnknown() && !plan.TagName.IsUnknown() {
		plan.ID = types.StringValue(releaseID{Project: plan.Project.ValueString(), TagName: plan.TagName.ValueString()}.String())
	}
	if !plan.Links.IsUnknown() {
		planned := elements(plan.Links)
		for name, v := range configLinks.Elements() {
			// Terraform 1.15 proposes an entry that the configuration leaves unknown as a whole as an object of
			// unknown values, in which the framework then sets link_type's default; Terraform rejects that plan.
			// The entry stays unknown, as the configuration says.
			if v.IsUnknown() {
				planned[name] = linkElement{unknown: true}
			}
		}
		var held map[string]linkElement
		if !moving && state != nil {
			held = elements(state.Links)
		}
		planComputed(planned, held)
		plan.Links = linksValue(planned)
	}
	var current *unfinishedMove // the record of the release the plan moves to
	if !plan.Project.IsUnknown() && !plan.TagName.IsUnknown() {
		current = r.data.moveTo(ctx, priors, plan.Project.ValueString(), plan.TagName.ValueString())
		priors.leftBehind(current, &resp.Diagnostics)
	}
	if state == nil || moving {
		r.data.checkLinks(ctx, r.data.explain(releaseLinksType, state != nil), plan.Project, plan.TagName, nil, true, current, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}
