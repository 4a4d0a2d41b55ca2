// A birthday is a month and a day (never a year: we do not need to know anyone's age). Pure.

export const MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
] as const;

/** Days in a month, counting 29 February (celebrated on the 28th in common years). */
export const daysIn = (month: number) => [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];

/** Both empty (no birthday) or a real day; otherwise which field is wrong and why. */
export function birthdayProblem(
	month: number | null,
	day: number | null
): { field: 'month' | 'day'; message: string } | null {
	if (month === null && day === null) return null;
	if (month === null || !Number.isInteger(month) || month < 1 || month > 12)
		return { field: 'month', message: 'Choose the month, or clear both to leave your birthday out.' };
	if (day === null || !Number.isInteger(day) || day < 1 || day > daysIn(month))
		return { field: 'day', message: `Choose a day from 1 to ${daysIn(month)} for ${MONTHS[month - 1]}.` };
	return null;
}
