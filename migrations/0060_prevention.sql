-- Prevention (Recommendation 5): external licensed programs, classes and
-- groups, delivered sessions with a fidelity mark per core component,
-- anonymous pre/post survey tallies and parent-notice counts.
-- No table holds a student's name or a per-student answer: youth data are
-- counts only.

-- A licensed program delivered with its own materials (My Life My Choice,
-- Love146 Not a Number, PROTECT, ...). Only its shape is stored: session
-- count and the names of its core components, never its content.
CREATE TABLE prevention_programs (
    id                 bigserial PRIMARY KEY,
    name               text NOT NULL,
    provider           text NOT NULL DEFAULT '',
    website            text NOT NULL DEFAULT '',
    session_count      int NOT NULL CHECK (session_count BETWEEN 1 AND 60),
    -- Slug of the Waymark course a facilitator must hold a valid completion
    -- of before logging; '' when the licensed program certifies its own.
    facilitator_course text NOT NULL DEFAULT 'facilitator-preparation',
    created_by         bigint REFERENCES users(id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    retired_at         timestamptz
);
CREATE UNIQUE INDEX prevention_programs_name_key ON prevention_programs (lower(name));

-- Components are never deleted: delivery marks point at them by key.
CREATE TABLE prevention_program_components (
    id         bigserial PRIMARY KEY,
    program_id bigint NOT NULL REFERENCES prevention_programs(id),
    session    int NOT NULL CHECK (session > 0),
    position   int NOT NULL,
    name       text NOT NULL,
    retired_at timestamptz
);
CREATE INDEX prevention_program_components_idx ON prevention_program_components (program_id, session, position);

-- A class or group taught one curriculum: ours (course_id) or a licensed
-- program (program_id). student_count is a number, never a roster.
CREATE TABLE prevention_classes (
    id               bigserial PRIMARY KEY,
    org_id           bigint NOT NULL REFERENCES organizations(id),
    name             text NOT NULL,
    grade_band       text NOT NULL CHECK (grade_band IN ('6-8', '9-12', 'ages')),
    age_min          int,
    age_max          int,
    student_count    int NOT NULL CHECK (student_count BETWEEN 1 AND 500),
    course_id        bigint REFERENCES courses(id),
    program_id       bigint REFERENCES prevention_programs(id),
    opt_out_count    int NOT NULL DEFAULT 0 CHECK (opt_out_count >= 0),
    consent_required boolean NOT NULL DEFAULT false,
    consent_count    int NOT NULL DEFAULT 0 CHECK (consent_count >= 0),
    contact_name     text NOT NULL DEFAULT '',
    contact_phone    text NOT NULL DEFAULT '',
    contact_email    text NOT NULL DEFAULT '',
    inspect_where    text NOT NULL DEFAULT '',
    created_by       bigint NOT NULL REFERENCES users(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    archived_at      timestamptz,
    CONSTRAINT prevention_classes_one_curriculum CHECK ((course_id IS NULL) <> (program_id IS NULL)),
    CONSTRAINT prevention_classes_ages CHECK (
        (grade_band = 'ages') = (age_min IS NOT NULL AND age_max IS NOT NULL)
        AND (age_min IS NULL OR (age_min BETWEEN 5 AND 25 AND age_max BETWEEN age_min AND 25))),
    CONSTRAINT prevention_classes_counts CHECK (opt_out_count <= student_count AND consent_count <= student_count)
);
CREATE INDEX prevention_classes_org_idx ON prevention_classes (org_id);

-- The creator (lead) and co-facilitators of a class.
CREATE TABLE prevention_class_facilitators (
    class_id bigint NOT NULL REFERENCES prevention_classes(id),
    user_id  bigint NOT NULL REFERENCES users(id),
    lead     boolean NOT NULL DEFAULT false,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (class_id, user_id)
);
CREATE INDEX prevention_class_facilitators_user_idx ON prevention_class_facilitators (user_id);

CREATE TABLE prevention_class_plans (
    class_id   bigint NOT NULL REFERENCES prevention_classes(id),
    session    int NOT NULL CHECK (session > 0),
    planned_on date NOT NULL,
    PRIMARY KEY (class_id, session)
);

-- One row per session delivered to a class. Editable by the class's
-- facilitators for seven days after it was logged; every change is audited.
CREATE TABLE prevention_deliveries (
    id                bigserial PRIMARY KEY,
    class_id          bigint NOT NULL REFERENCES prevention_classes(id),
    session           int NOT NULL CHECK (session > 0),
    delivered_on      date NOT NULL,
    minutes           int NOT NULL CHECK (minutes BETWEEN 1 AND 600),
    attendance        int NOT NULL CHECK (attendance >= 0),
    adaptations       text NOT NULL DEFAULT '',
    notes             text NOT NULL DEFAULT '',
    logged_by         bigint NOT NULL REFERENCES users(id),
    co_facilitator_id bigint REFERENCES users(id),
    course_version_id bigint REFERENCES course_versions(id),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    UNIQUE (class_id, session)
);

-- Fidelity: each core component of the session, marked as delivered in
-- full, in part, or not. component is the catalog id (ours) or "c<id>" of
-- prevention_program_components; label keeps the text as it was then.
CREATE TABLE prevention_component_marks (
    delivery_id bigint NOT NULL REFERENCES prevention_deliveries(id),
    component   text NOT NULL,
    label       text NOT NULL,
    position    int NOT NULL,
    status      text NOT NULL CHECK (status IN ('delivered', 'partly', 'not')),
    PRIMARY KEY (delivery_id, component)
);

-- Anonymous survey tallies: how many forms came back per phase, and for each
-- question how many chose each option. Never an answer per student.
CREATE TABLE prevention_survey_phases (
    class_id    bigint NOT NULL REFERENCES prevention_classes(id),
    phase       text NOT NULL CHECK (phase IN ('pre', 'post')),
    respondents int NOT NULL CHECK (respondents >= 0),
    entered_by  bigint NOT NULL REFERENCES users(id),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (class_id, phase)
);

CREATE TABLE prevention_survey_tallies (
    class_id bigint NOT NULL,
    phase    text NOT NULL,
    question text NOT NULL,
    option   int NOT NULL CHECK (option >= 0),
    correct  boolean NOT NULL,             -- whether this option was the right answer when entered
    count    int NOT NULL CHECK (count >= 0),
    PRIMARY KEY (class_id, phase, question, option),
    FOREIGN KEY (class_id, phase) REFERENCES prevention_survey_phases (class_id, phase)
);
