-- The requirements matrix, assignments, progress, attempts, completions and
-- certificates.

CREATE TABLE requirements (
    id             bigserial PRIMARY KEY,
    role_code      text NOT NULL REFERENCES job_roles(code),
    course_id      bigint NOT NULL REFERENCES courses(id),
    due_days       int NOT NULL CHECK (due_days > 0),
    renewal_months int CHECK (renewal_months >= 0),   -- NULL: the course's own renewal period
    optional       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    removed_at     timestamptz
);
CREATE UNIQUE INDEX requirements_active_key ON requirements (role_code, course_id) WHERE removed_at IS NULL;

-- One row per user × course × cycle. due_at (when it must be done),
-- available_from (when it may be started) and a completion's expires_at
-- (when the credit lapses) are distinct.
CREATE TABLE assignments (
    id             bigserial PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users(id),
    course_id      bigint NOT NULL REFERENCES courses(id),
    cycle          int NOT NULL DEFAULT 1 CHECK (cycle > 0),
    source         text NOT NULL CHECK (source IN ('requirement', 'manual', 'renewal', 'self')),
    assigned_by    bigint REFERENCES users(id),
    assigned_at    timestamptz NOT NULL DEFAULT now(),
    available_from timestamptz NOT NULL DEFAULT now(),
    due_at         timestamptz,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'withdrawn')),
    started_at     timestamptz,
    last_activity_at timestamptz,
    completed_at   timestamptz,
    withdrawn_at   timestamptz,
    UNIQUE (user_id, course_id, cycle)
);
CREATE UNIQUE INDEX assignments_one_open ON assignments (user_id, course_id) WHERE status = 'open';
CREATE INDEX assignments_course_idx ON assignments (course_id, status);
CREATE INDEX assignments_due_idx ON assignments (due_at) WHERE status = 'open';

CREATE TABLE lesson_progress (
    assignment_id bigint NOT NULL REFERENCES assignments(id),
    lesson        int NOT NULL CHECK (lesson > 0),
    opened_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assignment_id, lesson)
);

-- An attempt is issued when the final check is shown (its id is in the
-- form) and graded at most once.
CREATE TABLE quiz_attempts (
    id                bigserial PRIMARY KEY,
    token             text NOT NULL UNIQUE,
    assignment_id     bigint NOT NULL REFERENCES assignments(id),
    course_version_id bigint NOT NULL REFERENCES course_versions(id),
    layout            jsonb NOT NULL,       -- question and option order as shown
    started_at        timestamptz NOT NULL DEFAULT now(),
    submitted_at      timestamptz,
    answers           jsonb,
    score             int,
    passed            boolean
);
CREATE INDEX quiz_attempts_assignment_idx ON quiz_attempts (assignment_id);

CREATE TABLE completions (
    id                bigserial PRIMARY KEY,
    user_id           bigint NOT NULL REFERENCES users(id),
    course_id         bigint NOT NULL REFERENCES courses(id),
    course_version_id bigint NOT NULL REFERENCES course_versions(id),
    assignment_id     bigint NOT NULL UNIQUE REFERENCES assignments(id),
    attempt_id        bigint REFERENCES quiz_attempts(id),
    cycle             int NOT NULL,
    score             int NOT NULL,
    minutes           int NOT NULL,
    completed_at      timestamptz NOT NULL,
    expires_at        timestamptz,
    UNIQUE (user_id, course_version_id, cycle)
);
CREATE INDEX completions_user_idx ON completions (user_id, completed_at);
CREATE INDEX completions_expiry_idx ON completions (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE certificates (
    id             bigserial PRIMARY KEY,
    completion_id  bigint NOT NULL UNIQUE REFERENCES completions(id),
    code           text NOT NULL UNIQUE,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    revoked_by     bigint REFERENCES users(id),
    revoked_reason text NOT NULL DEFAULT ''
);
