package bench

import (
	"context"
	"database/sql"
	"fmt"
)

// The organization tree: the Commonwealth at the root, then one level of
// parents (police departments, school districts, health systems, DCF
// regions, prosecutors' offices, youth programs, hotel groups), each with
// its units (police units, schools, hospitals, area offices, courts,
// residential programs, hotels). A sixth of the organizations are parents.
// The second parent is a large school district holding one twentieth of all
// units: the "large organization" of the manager benchmarks.
//
// Sectors map to the job-role sectors of seeds/roles.yaml, so people get
// the roles their kind of organization employs.
const sectorsSQL = `CREATE TEMP TABLE bench_sectors (idx int PRIMARY KEY, sector text, role_sector text,
		type2 text, label2 text, type3 text, label3 text);
	INSERT INTO bench_sectors VALUES
		(0, 'police',  'police',        'police_department', 'Police Department',       'police_unit',         'Police Unit'),
		(1, 'schools', 'schools',       'school_district',   'School District',         'school',              'School'),
		(2, 'health',  'health',        'health_system',     'Health System',           'hospital',            'Hospital'),
		(3, 'dcf',     'child-welfare', 'dcf_region',        'DCF Region',              'dcf_area_office',     'DCF Area Office'),
		(4, 'justice', 'justice',       'prosecutor_office', 'District Attorney''s Office', 'court',           'Court'),
		(5, 'youth',   'child-welfare', 'youth_program',     'Youth Services',          'residential_program', 'Residential Program'),
		(6, 'hotels',  'community',     'hotel_group',       'Hotel Group',             'hotel',               'Hotel');
	CREATE TEMP TABLE bench_counties (idx int PRIMARY KEY, name text);
	INSERT INTO bench_counties SELECT i - 1, c FROM unnest(ARRAY['Barnstable', 'Berkshire', 'Bristol', 'Dukes', 'Essex',
		'Franklin', 'Hampden', 'Hampshire', 'Middlesex', 'Nantucket', 'Norfolk', 'Plymouth', 'Suffolk', 'Worcester'])
		WITH ORDINALITY AS t(c, i)`

func genOrgs(ctx context.Context, c *sql.Conn, s Sizes) (int64, error) {
	n2 := s.Orgs / 6
	n3 := s.Orgs - 1 - n2
	return run(ctx, c, sectorsSQL,
		`INSERT INTO organizations (code, name, type, county) VALUES ('MA', 'Commonwealth of Massachusetts', 'state_agency', 'Suffolk')`,
		fmt.Sprintf(`INSERT INTO organizations (parent_id, code, name, type, county)
			SELECT (SELECT id FROM organizations WHERE code = 'MA'), 'P' || i,
			       CASE WHEN i = 2 THEN 'Large City ' || s.label2 ELSE co.name || ' ' || s.label2 || ' ' || i END,
			       s.type2, co.name
			FROM generate_series(1, %d) i
			JOIN bench_sectors s ON s.idx = (i - 1) %% 7
			JOIN bench_counties co ON co.idx = CASE WHEN i = 2 THEN 12 ELSE floor(pg_temp.u('county', i) * 14)::int END
			ORDER BY i`, n2),
		// Units: the first twentieth belong to the large district (P2),
		// the rest are spread over the parents.
		fmt.Sprintf(`CREATE TEMP TABLE bench_units AS
			SELECT j, CASE WHEN j <= %[2]d / 20 THEN 2 ELSE 1 + floor(pg_temp.u('parent', j) * %[1]d)::int END AS parent
			FROM generate_series(1, %[2]d) j`, n2, n3),
		`INSERT INTO organizations (parent_id, code, name, type, county)
			SELECT p.id, 'U' || u.j, p.county || ' ' || s.label3 || ' ' || u.j, s.type3, p.county
			FROM bench_units u
			JOIN organizations p ON p.code = 'P' || u.parent
			JOIN bench_sectors s ON s.idx = (u.parent - 1) % 7
			ORDER BY u.j`,
		`INSERT INTO org_closure (ancestor_id, descendant_id, depth)
			WITH RECURSIVE t AS (
				SELECT id AS ancestor_id, id AS descendant_id, 0 AS depth FROM organizations
				UNION ALL
				SELECT t.ancestor_id, o.id, t.depth + 1 FROM t JOIN organizations o ON o.parent_id = t.descendant_id)
			SELECT ancestor_id, descendant_id, depth FROM t`,
		// Each organization's sector, for the roles of its people.
		`CREATE TEMP TABLE bench_org_sector AS
			SELECT o.id, CASE WHEN o.parent_id IS NULL THEN 'program'
				ELSE s.role_sector END AS role_sector,
				row_number() OVER (ORDER BY o.id) AS idx,
				(o.code LIKE 'U%') AS unit
			FROM organizations o
			LEFT JOIN organizations p ON p.id = o.parent_id
			LEFT JOIN bench_sectors s ON s.type2 = o.type OR s.type3 = o.type`,
		`SELECT count(*) FROM organizations`)
}

// genUsers writes the people: 96% in units, 3.5% in parent organizations,
// 0.5% at the state (training coordinators and evaluators), plus the two
// well-known accounts. Names mix languages so PDFs set real UTF-8.
func genUsers(ctx context.Context, c *sql.Conn, s Sizes) (int64, error) {
	return run(ctx, c,
		`CREATE TEMP TABLE bench_units_idx AS SELECT row_number() OVER (ORDER BY id) AS idx, id, role_sector FROM bench_org_sector WHERE unit`,
		`CREATE TEMP TABLE bench_parents_idx AS SELECT row_number() OVER (ORDER BY id) AS idx, id, role_sector FROM bench_org_sector WHERE NOT unit AND role_sector <> 'program'`,
		`ALTER TABLE bench_units_idx ADD PRIMARY KEY (idx)`,
		`ALTER TABLE bench_parents_idx ADD PRIMARY KEY (idx)`,
		`ALTER TABLE bench_org_sector ADD PRIMARY KEY (id)`,
		`CREATE TEMP TABLE bench_names AS SELECT
			ARRAY['Maria','José','Ana','Nguyễn Thị','Wei','Fatima','James','Aisha','Jean-Baptiste','Siobhan','Chen','Olga',
			      'Kwame','Priya','Luis','Thảo','Mohammed','Emily','Darnell','Sofía','Jöran','Zoë','Liang','Rosa'] AS first,
			ARRAY['Silva','Santos','Nguyen','Zhang','Li','Pierre','O''Brien','Murphy','Rodriguez','Johnson','Okafor','Patel',
			      'Kowalski','Tran','Costa','Lefèvre','Müller','Haddad','Williams','Brown','Dubois','García','Phạm','Kim'] AS last`,
		fmt.Sprintf(`INSERT INTO users (org_id, email, name, password_hash, created_at, last_login_at)
			SELECT o.id, 'u' || k || '@%[1]s',
			       n.first[1 + floor(pg_temp.u('first', k) * 24)::int] || ' ' || n.last[1 + floor(pg_temp.u('last', k) * 24)::int],
			       p.password_hash,
			       p.as_of - interval '4 years' + pg_temp.u('created', k) * interval '3 years',
			       CASE WHEN pg_temp.u('login', k) < 0.7 THEN p.as_of - pg_temp.u('lastlogin', k) * interval '90 days' END
			FROM generate_series(1, %[2]d) k
			CROSS JOIN bench_params p CROSS JOIN bench_names n
			CROSS JOIN LATERAL (SELECT CASE
				WHEN k %% 200 = 0 THEN (SELECT id FROM organizations WHERE code = 'MA')
				WHEN k %% 200 < 8 THEN (SELECT id FROM bench_parents_idx WHERE idx = 1 + floor(pg_temp.u('porg', k) * (SELECT count(*) FROM bench_parents_idx))::int)
				ELSE (SELECT id FROM bench_units_idx WHERE idx = 1 + floor(pg_temp.u('uorg', k) * (SELECT count(*) FROM bench_units_idx))::int)
				END AS id) o
			ORDER BY k`, EmailDomain, s.Users),
		fmt.Sprintf(`INSERT INTO users (org_id, email, name, password_hash, is_admin)
			SELECT (SELECT id FROM organizations WHERE code = 'MA'), '%[1]s', 'Bench Administrator', password_hash, true FROM bench_params
			UNION ALL
			SELECT (SELECT id FROM organizations WHERE code = 'P2'), '%[2]s', 'Bench Large-District Manager', password_hash, false FROM bench_params`,
			AdminEmail, LargeManagerEmail),
		`SELECT count(*) FROM users`)
}

// genUserRoles gives everyone one job role of their organization's sector
// (from job_roles, i.e. seeds/roles.yaml) and a tenth of them a second one.
// Prevention facilitators become facilitators.
func genUserRoles(ctx context.Context, c *sql.Conn, _ Sizes) (int64, error) {
	return run(ctx, c,
		`CREATE TEMP TABLE bench_sector_roles AS
			SELECT sector, array_agg(code ORDER BY code) AS roles FROM job_roles GROUP BY sector`,
		`INSERT INTO user_roles (user_id, role_code, granted_at)
			SELECT DISTINCT u.id, r.roles[1 + floor(pg_temp.u(t.tag, u.id) * array_length(r.roles, 1))::int], u.created_at
			FROM users u
			JOIN bench_org_sector os ON os.id = u.org_id
			JOIN bench_sector_roles r ON r.sector = os.role_sector
			CROSS JOIN (VALUES ('role1'), ('role2')) t(tag)
			WHERE u.email LIKE 'u%' AND (t.tag = 'role1' OR pg_temp.u('second', u.id) < 0.1)`,
		`UPDATE users SET is_facilitator = true WHERE id IN (SELECT user_id FROM user_roles WHERE role_code = 'prevention-facilitator')`,
		`SELECT count(*) FROM user_roles`)
}

// genScopes makes managers: one person in each parent organization manages
// it, as does the well-known large-district manager; a training
// coordinator at the state manages two random parents.
func genScopes(ctx context.Context, c *sql.Conn, _ Sizes) (int64, error) {
	return run(ctx, c,
		`INSERT INTO manager_scopes (user_id, org_id)
			SELECT DISTINCT ON (u.org_id) u.id, u.org_id FROM users u
			JOIN bench_parents_idx p ON p.id = u.org_id
			WHERE u.email LIKE 'u%'
			ORDER BY u.org_id, u.id`,
		fmt.Sprintf(`INSERT INTO manager_scopes (user_id, org_id)
			SELECT u.id, o.id FROM users u, organizations o WHERE u.email = '%s' AND o.code = 'P2'`, LargeManagerEmail),
		`SELECT count(*) FROM manager_scopes`)
}
