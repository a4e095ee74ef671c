/**
 * The roster: people by team with skills, and their rostered shifts over the whole period. The same
 * shifts drive the simulation (who is on duty) and are written as the `shifts` export, so the export
 * and the operation agree.
 */
import type { Faker } from "@faker-js/faker";
import type { Rng } from "../rng.ts";
import { addDays, MINUTE_MS, parseClockSpan, ZoneClock } from "./clock.ts";
import type { OperationConfig } from "./config.ts";

export type Queue = OperationConfig["teams"][number]["skills"][number];

export interface Person {
  agentId: string;
  name: string;
  role: "handler" | "exception_specialist" | "qa_analyst" | "team_lead" | "ops_manager" | "finance_approver";
  team: string;
  site: string;
  timeZone: string;
  skills: Queue[];
  /** QA reviewers: how many points their scores sit above the truth. */
  bias: number;
  /** Seasonal staff: the first and last local dates they are rostered (YYYY-MM-DD). */
  activeFrom?: string;
  activeTo?: string;
}

export interface RosteredShift {
  shiftId: string;
  agentId: string;
  startsAt: number;
  endsAt: number;
  activity: "work" | "training";
}

const WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export function buildRoster(config: OperationConfig, scale: number, rng: Rng, faker: Faker): Person[] {
  const people: Person[] = [];
  let n = 0;
  const person = (fields: Omit<Person, "agentId" | "name">): Person => {
    const p = { agentId: `AG-${String(1001 + n++)}`, name: faker.person.fullName(), ...fields };
    people.push(p);
    return p;
  };
  for (const team of config.teams) {
    const headcount = Math.max(1, Math.round(team.headcount * scale));
    // Each team has a lead, who escalates aging cases; most handlers are generalists of the team's
    // queues, one in four a specialist of the harder (exception) work.
    person({
      role: "team_lead",
      team: team.name,
      site: team.site,
      timeZone: team.time_zone,
      skills: [...team.skills],
      bias: 0,
    });
    for (let i = 0; i < headcount; i++) {
      person({
        role: rng.next() < 0.25 ? "exception_specialist" : "handler",
        team: team.name,
        site: team.site,
        timeZone: team.time_zone,
        skills: [...team.skills],
        bias: 0,
      });
    }
    for (const season of team.seasonal) {
      for (let i = Math.round(season.headcount * scale); i > 0; i--) {
        person({
          role: "handler",
          team: team.name,
          site: team.site,
          timeZone: team.time_zone,
          skills: [...team.skills],
          bias: 0,
          activeFrom: season.from,
          activeTo: season.to,
        });
      }
    }
  }
  const qaZone = config.time_zone;
  for (let i = 0; i < config.qa.reviewers.count; i++) {
    person({
      role: "qa_analyst",
      team: "quality",
      site: "Columbus",
      timeZone: qaZone,
      skills: [],
      bias: config.qa.reviewers.biases[i] ?? 0,
    });
  }
  for (let i = 0; i < 3; i++) {
    person({
      role: "finance_approver",
      team: "finance-ops",
      site: "Columbus",
      timeZone: qaZone,
      skills: [],
      bias: 0,
    });
  }
  person({
    role: "ops_manager",
    team: "operations",
    site: "Columbus",
    timeZone: qaZone,
    skills: [],
    bias: 0,
  });
  return people;
}

/**
 * Shifts: handlers rotate through the team's shift patterns by week, work the team's days, and take a
 * one-hour training block every fourth week; people with no queue skills are not rostered.
 */
export function buildShifts(config: OperationConfig, people: readonly Person[], rng: Rng): RosteredShift[] {
  const shifts: RosteredShift[] = [];
  const days = config.weeks * 7;
  for (const team of config.teams) {
    const clock = new ZoneClock(team.time_zone);
    const members = people.filter(
      (p) => p.team === team.name && (p.role === "handler" || p.role === "exception_specialist"),
    );
    members.forEach((member, index) => {
      // Two days off a week for six- and seven-day teams, staggered across the team.
      const daysOff =
        team.days.length > 5 ? new Set([(index * 2) % 7, (index * 2 + 1) % 7]) : new Set<number>();
      for (let d = 0; d < days; d++) {
        const date = addDays(config.start, d);
        const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
        if (!team.days.includes(WEEKDAY_KEYS[weekday] as (typeof WEEKDAY_KEYS)[number])) continue;
        if ((member.activeFrom && date < member.activeFrom) || (member.activeTo && date > member.activeTo))
          continue;
        if (daysOff.has(weekday) && team.days.length > 5 && members.length > 2) continue;
        const week = Math.floor(d / 7);
        const pattern = team.shifts[(index + week) % team.shifts.length] as string;
        const [from, to] = parseClockSpan(pattern);
        const startsAt = clock.at(date, from);
        const endsAt = clock.at(date, to);
        const training = week % 4 === index % 4 && weekday === 2;
        shifts.push({ shiftId: "", agentId: member.agentId, startsAt, endsAt, activity: "work" });
        if (training) {
          const at = startsAt + Math.floor(rng.next() * 4) * 60 * MINUTE_MS;
          shifts.push({
            shiftId: "",
            agentId: member.agentId,
            startsAt: at,
            endsAt: at + 60 * MINUTE_MS,
            activity: "training",
          });
        }
      }
    });
  }
  shifts.sort((a, b) => a.startsAt - b.startsAt || a.agentId.localeCompare(b.agentId));
  shifts.forEach((s, i) => {
    s.shiftId = `SH-${String(1_000_001 + i)}`;
  });
  return shifts;
}
