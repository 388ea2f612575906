// Every refusal of the API as a sentence a person can act on, never a raw code.
import type { BookingRules } from '../client/types.gen';
import { duration } from '../time/format';
import type { ApiError } from './http';

export interface ProblemContext {
  tutorName?: string;
  rules?: Partial<BookingRules>;
  /** The clashing booking, when the student already has one at that time. */
  clash?: string;
  /** When cancelling or moving closed: "Tuesday, 8 December 2026, 16:00 GMT". */
  closedAt?: string;
}

export function describe(error: ApiError, context: ProblemContext = {}): string {
  const tutor = context.tutorName ?? 'The tutor';
  const rules = context.rules;
  switch (error.code) {
    case 'session_full':
      return 'This session just filled up: every seat is taken. Pick another session or a free slot.';
    case 'slot_taken':
      return 'Someone else just took this time. Pick another free slot.';
    case 'student_conflict':
      return context.clash
        ? `You already have a booking at this time: ${context.clash}. Cancel or move it first, or pick another time.`
        : 'You already have a booking at this time. Cancel or move it first, or pick another time.';
    case 'already_booked':
      return 'You already have a seat in this session: see My bookings.';
    case 'min_notice':
      return rules?.min_notice_minutes !== undefined
        ? `Bookings close ${duration(rules.min_notice_minutes)} before the start (${tutor}'s rule). Pick a later time.`
        : `This starts too soon to book: ${tutor} asks for more notice. Pick a later time.`;
    case 'beyond_horizon':
      return rules?.horizon_days !== undefined
        ? `${tutor} takes bookings up to ${rules.horizon_days} days ahead. Pick an earlier time.`
        : `This is further ahead than ${tutor} takes bookings. Pick an earlier time.`;
    case 'weekly_limit':
      return rules?.max_bookings_per_student_per_week
        ? `${tutor} takes at most ${rules.max_bookings_per_student_per_week} bookings per student each week, and you have them for that week. Pick another week.`
        : `You have reached ${tutor}'s weekly limit of bookings. Pick another week.`;
    case 'outside_availability':
      return `${tutor} is no longer available at this time. Pick another free slot.`;
    case 'own_session':
      return 'You cannot book your own session.';
    case 'cancel_window_passed':
      return rules?.cancel_notice_minutes !== undefined
        ? `It is too late to cancel: ${tutor} takes cancellations until ${duration(rules.cancel_notice_minutes)} before the start${context.closedAt ? ` (${context.closedAt})` : ''}. Contact ${tutor} instead.`
        : `It is too late to cancel this booking: contact ${tutor}.`;
    case 'reschedule_window_passed':
      return rules?.reschedule_notice_minutes !== undefined
        ? `It is too late to move this booking: ${tutor} allows moves until ${duration(rules.reschedule_notice_minutes)} before the start${context.closedAt ? ` (${context.closedAt})` : ''}. Contact ${tutor} instead.`
        : `It is too late to move this booking: contact ${tutor}.`;
    case 'calendar_unavailable':
      return `${tutor}'s Google Calendar cannot be read right now, so no times are offered. Try again in a few minutes.`;
    case 'already_cancelled':
      return 'This booking is already cancelled.';
    case 'idempotency_in_progress':
      return 'Your booking is still being made. Wait a moment and try again: it will not be booked twice.';
    case 'not_authenticated':
      return 'Your sign-in has ended. Sign in again and you will come back to this page.';
    case 'csrf_failed':
      return 'This page’s security token no longer matches your sign-in. Reload the page, or sign in again.';
    case 'rate_limited':
      return `Too many requests in a short time. Wait ${error.retryAfterSeconds ?? 60} seconds, then try again.`;
    case 'not_found':
      return 'This is not there any more, or it is not yours to see.';
    case 'validation_failed':
      return `Some of what was sent is not valid: ${error.detail}`;
    case 'network':
      return 'The service cannot be reached: check your connection and try again. Nothing was lost.';
    default:
      if (error.isTransient) {
        return 'The service is not answering right now. Try again in a moment: nothing was lost.';
      }
      return error.detail || 'Something went wrong. Try again.';
  }
}
