package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPlanPaths(t *testing.T) {
	null, unknown, s := types.StringNull(), types.StringUnknown(), types.StringValue
	paths := func(dap, fp types.String) releaseLinkModel {
		return releaseLinkModel{DirectAssetPath: dap, Filepath: fp}
	}
	for _, tc := range []struct {
		name          string
		config, state releaseLinkModel
		noState       bool
		want          releaseLinkModel
	}{
		{"create with direct_asset_path", paths(s("/a/b"), null), releaseLinkModel{}, true, paths(s("/a/b"), s("/a/b"))},
		{"create with filepath", paths(null, s("/a/b")), releaseLinkModel{}, true, paths(s("/a/b"), s("/a/b"))},
		{"create without a path", paths(null, null), releaseLinkModel{}, true, paths(null, null)},
		{"create with filepath = \"\"", paths(null, s("")), releaseLinkModel{}, true, paths(null, s(""))},
		{"unknown path", paths(unknown, null), releaseLinkModel{}, true, paths(unknown, unknown)},
		{"unchanged, other name", paths(null, s("/a/b")), paths(s("/a/b"), s("/a/b")), false, paths(s("/a/b"), s("/a/b"))},
		{"switch to the new name", paths(s("/a/b"), null), paths(s("/a/b"), s("/a/b")), false, paths(s("/a/b"), s("/a/b"))},
		{"unchanged, state not mirrored", paths(null, s("/a/b")), paths(null, s("/a/b")), false, paths(null, s("/a/b"))},
		{"changed path", paths(null, s("/a/c")), paths(s("/a/b"), s("/a/b")), false, paths(s("/a/c"), s("/a/c"))},
		{"path removed", paths(null, null), paths(s("/a/b"), s("/a/b")), false, paths(null, null)},
		{"path removed by filepath = \"\"", paths(null, s("")), paths(s("/a/b"), s("/a/b")), false, paths(null, s(""))},
		{"SDKv2's \"\" kept", paths(null, null), paths(null, s("")), false, paths(null, s(""))},
		{"path added to SDKv2's \"\"", paths(s("/a/b"), null), paths(null, s("")), false, paths(s("/a/b"), s("/a/b"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var state *releaseLinkResourceModel
			if !tc.noState {
				state = &releaseLinkResourceModel{releaseLinkModel: tc.state}
			}
			var got releaseLinkModel
			got.planPaths(tc.config, state)
			if !got.DirectAssetPath.Equal(tc.want.DirectAssetPath) || !got.Filepath.Equal(tc.want.Filepath) {
				t.Errorf("planned direct_asset_path %s, filepath %s; want %s, %s",
					got.DirectAssetPath, got.Filepath, tc.want.DirectAssetPath, tc.want.Filepath)
			}
		})
	}
}
