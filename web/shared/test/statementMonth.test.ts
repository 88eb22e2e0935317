import { describe, expect, it } from "vitest";

import { addMonths, attachmentName, isMonth, monthOf, statementFileName } from "../src/energy/statementMonth";

describe("statement months", () => {
  it("knows YYYY-MM and nothing else", () => {
    expect(isMonth("2026-11")).toBe(true);
    for (const text of ["2026-13", "2026-00", "2026-1", "26-11", "2026-11-01", ""]) expect(isMonth(text)).toBe(false);
  });

  it("puts an instant in the month of a local time east or west of UTC", () => {
    const instant = new Date("2026-11-30T20:00:00Z");
    expect(monthOf(instant, 0)).toBe("2026-11");
    expect(monthOf(instant, 7 * 60)).toBe("2026-12");
    expect(monthOf(new Date("2027-01-01T02:00:00Z"), -5 * 60)).toBe("2026-12");
  });

  it("steps across years both ways", () => {
    expect(addMonths("2026-11", 2)).toBe("2027-01");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2026-05", -17)).toBe("2024-12");
    expect(() => addMonths("2026-13", 1)).toThrow(SyntaxError);
  });

  it("names the downloads as the gateway does", () => {
    expect(statementFileName("2026-11", "pdf")).toBe("gridtokenx-statement-2026-11.pdf");
    expect(attachmentName('attachment; filename="gridtokenx-statement-2026-11.csv"')).toBe("gridtokenx-statement-2026-11.csv");
    expect(attachmentName(null)).toBeNull();
  });
});
