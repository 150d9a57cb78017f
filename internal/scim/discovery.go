package scim

import "strings"

// The discovery resources (RFC 7644 §4): what Waymark supports, for a
// client that reads them before provisioning.

// ServiceProviderConfig answers GET /ServiceProviderConfig.
func (s *Service) ServiceProviderConfig() []byte {
	return mustJSON(map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": s.docs(),
		"patch":            map[string]bool{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": maxResults},
		"changePassword":   map[string]bool{"supported": false},
		"sort":             map[string]bool{"supported": false},
		"etag":             map[string]bool{"supported": false},
		"authenticationSchemes": []map[string]any{{"type": "oauthbearertoken", "name": "Bearer token",
			"description": "A token an administrator issues per provisioning client at /admin/scim", "primary": true}},
		"meta": map[string]string{"resourceType": "ServiceProviderConfig", "location": s.base + "/ServiceProviderConfig"},
	})
}

func (s *Service) docs() string { return strings.TrimSuffix(s.base, "/scim/v2") + "/admin/scim" }

// ResourceTypes answers GET /ResourceTypes.
func (s *Service) ResourceTypes() []byte {
	return listJSON(2, 0, []any{
		map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}, "id": "User", "name": "User",
			"endpoint": "/Users", "schema": SchemaUser, "schemaExtensions": []map[string]any{
				{"schema": SchemaEnterprise, "required": false}, {"schema": SchemaWaymark, "required": false}},
			"meta": map[string]string{"resourceType": "ResourceType", "location": s.base + "/ResourceTypes/User"}},
		map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}, "id": "Group", "name": "Group",
			"endpoint": "/Groups", "schema": SchemaGroup,
			"meta": map[string]string{"resourceType": "ResourceType", "location": s.base + "/ResourceTypes/Group"}},
	})
}

// schemaAttr is one attribute in a schema document.
func schemaAttr(name, typ string, required bool, uniqueness, mutability string, sub ...map[string]any) map[string]any {
	a := map[string]any{"name": name, "type": typ, "multiValued": false, "required": required, "caseExact": false,
		"mutability": mutability, "returned": "default", "uniqueness": uniqueness}
	if len(sub) > 0 {
		a["subAttributes"] = sub
	}
	return a
}

func multi(a map[string]any) map[string]any { a["multiValued"] = true; return a }

// Schemas answers GET /Schemas: the attributes Waymark keeps.
func (s *Service) Schemas() []byte {
	rw := "readWrite"
	schema := func(id, name string, attrs ...map[string]any) map[string]any {
		return map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Schema"}, "id": id, "name": name,
			"attributes": attrs, "meta": map[string]string{"resourceType": "Schema", "location": s.base + "/Schemas/" + id}}
	}
	return listJSON(4, 0, []any{
		schema(SchemaUser, "User",
			schemaAttr("userName", "string", true, "server", rw),
			schemaAttr("name", "complex", false, "none", rw,
				schemaAttr("formatted", "string", false, "none", rw), schemaAttr("givenName", "string", false, "none", rw),
				schemaAttr("familyName", "string", false, "none", rw)),
			schemaAttr("displayName", "string", false, "none", rw),
			multi(schemaAttr("emails", "complex", true, "server", rw,
				schemaAttr("value", "string", true, "server", rw), schemaAttr("type", "string", false, "none", rw),
				schemaAttr("primary", "boolean", false, "none", rw))),
			schemaAttr("active", "boolean", false, "none", rw),
			multi(schemaAttr("groups", "complex", false, "none", "readOnly"))),
		schema(SchemaGroup, "Group",
			schemaAttr("displayName", "string", true, "server", rw),
			multi(schemaAttr("members", "complex", false, "none", rw, schemaAttr("value", "string", false, "none", "immutable")))),
		schema(SchemaEnterprise, "EnterpriseUser",
			schemaAttr("department", "string", false, "none", rw), schemaAttr("organization", "string", false, "none", rw)),
		schema(SchemaWaymark, "WaymarkUser", schemaAttr("organizationCode", "string", false, "none", rw)),
	})
}
