import { describe, expect, it } from 'vitest';

import { connectHref, EXPLANATIONS, stateOf } from './calendar';
import {
  describeRefusal,
  fromApi,
  nextRange,
  problemsOf,
  toApi,
  type Editable,
} from './availability';
import {
  BOOKING_RULES,
  changedFields,
  defaultInWords,
  howToMakeASession,
  ruleFromForm,
  ruleHint,
  ruleInForm,
  ruleLabel,
  settingsRefusal,
  type Settings,
} from './settings';

const empty = (): Editable => ({
  timezone: 'Europe/London',
  days: [[], [], [], [], [], [], []],
  overrides: [],
});

describe('the availability editor', () => {
  it('reads the API’s shape into days and writes the whole shape back, sorted', () => {
    const editable = fromApi({
      timezone: 'Europe/London',
      weekly: [
        { weekday: 0, start: '13:00', end: '17:00' },
        { weekday: 0, start: '09:00', end: '12:00' },
        { weekday: 4, start: '10:00', end: '11:00' },
      ],
      overrides: [{ date: '2026-12-24', ranges: [] }],
    });
    expect(editable.days[0]).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ]);
    editable.overrides.unshift({ date: '2026-12-21', ranges: [{ start: '09:00', end: '10:00' }] });
    expect(toApi(editable)).toEqual({
      timezone: 'Europe/London',
      weekly: [
        { weekday: 0, start: '09:00', end: '12:00' },
        { weekday: 0, start: '13:00', end: '17:00' },
        { weekday: 4, start: '10:00', end: '11:00' },
      ],
      overrides: [
        { date: '2026-12-21', ranges: [{ start: '09:00', end: '10:00' }] },
        { date: '2026-12-24', ranges: [] },
      ],
    });
  });

  it('suggests a working day first, then an hour after the last range', () => {
    expect(nextRange([])).toEqual({ start: '09:00', end: '17:00' });
    expect(nextRange([{ start: '09:00', end: '12:00' }])).toEqual({ start: '13:00', end: '14:00' });
    expect(nextRange([{ start: '20:00', end: '24:00' }])).toEqual({ start: '23:00', end: '24:00' });
  });

  it('names inverted, overlapping and malformed ranges and repeated dates, by day', () => {
    const editable = empty();
    editable.days[1] = [
      { start: '09:00', end: '12:00' },
      { start: '11:00', end: '13:00' },
    ];
    editable.days[2] = [{ start: '15:00', end: '14:00' }];
    editable.days[3] = [{ start: '9', end: '10:00' }];
    editable.overrides = [
      { date: '2026-12-24', ranges: [] },
      { date: '2026-12-24', ranges: [] },
      { date: '', ranges: [] },
    ];
    expect(problemsOf(editable)).toEqual([
      'Tuesday: 09:00–12:00 and 11:00–13:00 overlap.',
      'Wednesday: 15:00–14:00 ends before it starts.',
      'Thursday: write times as HH:MM, such as 09:00 (24:00 ends the day).',
      '2026-12-24 is listed twice.',
      'A date override has no date: pick one, or remove it.',
    ]);
  });

  it('lets ranges touch, and 24:00 end a day', () => {
    const editable = empty();
    editable.days[5] = [
      { start: '09:00', end: '12:00' },
      { start: '12:00', end: '24:00' },
    ];
    expect(problemsOf(editable)).toEqual([]);
  });

  it('puts the API’s 422 in words naming the day or date that was sent', () => {
    const sent = toApi({
      ...empty(),
      days: [[{ start: '09:00', end: '12:00' }], [], [], [], [], [], []],
      overrides: [{ date: '2026-12-24', ranges: [{ start: '10:00', end: '09:00' }] }],
    });
    expect(
      describeRefusal(
        [
          {
            loc: ['body', 'weekly', 0, 'end'],
            msg: 'Value error, the range must end after it starts',
          },
          { loc: ['body', 'overrides', 0, 'ranges'], msg: 'Value error, ranges overlap' },
          { loc: ['body', 'timezone'], msg: 'Value error, unknown time zone' },
          {
            loc: ['body', 'weekly'],
            msg: 'Value error, Monday ranges 09:00-12:00 and 10:00-11:00 overlap',
          },
        ],
        sent,
      ),
    ).toEqual([
      'Monday 09:00–12:00: the range must end after it starts.',
      '2026-12-24: ranges overlap.',
      'Time zone: unknown time zone.',
      'Monday ranges 09:00-12:00 and 10:00-11:00 overlap.',
    ]);
  });
});

describe('tutor settings', () => {
  const read: Settings = {
    bio: 'Maths',
    subject_ids: ['a', 'b'],
    timezone: 'Europe/London',
    session_calendar_id: null,
    session_keyword: 'Tutoring',
    busy_calendar_ids: [],
    default_capacity: 1,
    slot_minutes: 60,
    buffer_minutes: 0,
    min_notice_minutes: 720,
    horizon_days: 60,
    max_bookings_per_student_per_week: null,
    cancel_notice_minutes: 1440,
    reschedule_notice_minutes: 1440,
    ignore_all_day_events: false,
  };

  it('sends only what changed, lists compared by their items', () => {
    expect(changedFields(read, { ...read, subject_ids: ['a', 'b'] })).toEqual({});
    expect(
      changedFields(read, { ...read, buffer_minutes: 15, busy_calendar_ids: ['work'] }),
    ).toEqual({ buffer_minutes: 15, busy_calendar_ids: ['work'] });
  });

  it('tells the tutor how to make a session with their own keyword', () => {
    expect(howToMakeASession('Nachhilfe', 4)).toBe(
      'To offer a group session, make an event in Google Calendar: put ‘Nachhilfe’ in the title and ‘capacity: 4’ in the description.',
    );
  });

  it('says the defaults in words', () => {
    expect(defaultInWords('min_notice_minutes')).toBe('Default: 12 hours');
    expect(defaultInWords('buffer_minutes')).toBe('Default: none');
    expect(defaultInWords('max_bookings_per_student_per_week')).toBe('Default: no limit');
    expect(defaultInWords('horizon_days')).toBe('Default: 60 days');
  });
});

describe('the booking rules table', () => {
  const rule = (field: string) => BOOKING_RULES.find((r) => r.field === field)!;

  it('labels each field with its unit, and says what it means before its default', () => {
    expect(BOOKING_RULES.map(ruleLabel)).toEqual([
      'One-to-one slot length (minutes)',
      'Break between bookings (minutes)',
      'Minimum notice (hours)',
      'Booking horizon (days)',
      'Bookings per student each week',
      'Students may cancel until (hours before)',
      'Students may move a booking until (hours before)',
    ]);
    expect(ruleHint(rule('min_notice_minutes'))).toBe(
      'Bookings close this long before the start. Default: 12 hours',
    );
    expect(ruleHint(rule('buffer_minutes'))).toBe('Default: none');
  });

  it('shows notice in hours and sends it back in minutes', () => {
    const notice = rule('cancel_notice_minutes');
    expect(ruleInForm(notice, 90)).toBe(1.5);
    expect(ruleFromForm(notice, 1.5)).toBe(90);
    expect(ruleInForm(rule('horizon_days'), 60)).toBe(60);
  });

  it('takes an empty weekly limit as no limit, and only there', () => {
    const limit = rule('max_bookings_per_student_per_week');
    expect(ruleInForm(limit, null)).toBe('');
    expect(ruleFromForm(limit, '')).toBeNull();
    expect(ruleFromForm(limit, 3)).toBe(3);
  });
});

describe('a refused settings change', () => {
  it('names the field as the page labels it', () => {
    expect(
      settingsRefusal([
        {
          loc: ['body', 'slot_minutes'],
          msg: 'Value error, slot length must be a multiple of 5 minutes',
        },
        { loc: ['body'], msg: 'Field required' },
      ]),
    ).toEqual([
      'One-to-one slot length: slot length must be a multiple of 5 minutes.',
      'Field required.',
    ]);
  });
});

describe('the calendar connection', () => {
  it('is stale when connected but unreadable, and each state but connected has a fix', () => {
    expect(stateOf('connected', false)).toBe('stale');
    expect(stateOf('connected', true)).toBe('connected');
    expect(stateOf('reconnect_required', false)).toBe('reconnect_required');
    for (const [state, explanation] of Object.entries(EXPLANATIONS)) {
      expect(explanation.action === null).toBe(state === 'connected');
    }
    expect(connectHref('/teach/calendar')).toBe(
      '/api/v1/auth/google/connect-calendar?next=%2Fteach%2Fcalendar',
    );
  });
});
