import JSONata
import Testing

/// Date/time pictures of `$fromMillis`, `$now` and `$toMillis`: the cases of JSONata's test suite.
@Suite("JSONata date/time pictures")
struct DateTimeTests {
    @Test(
        "$fromMillis writes by a picture, at an offset",
        arguments: [
            ("$fromMillis(1521801216617, 'Hello')", "Hello"),
            ("$fromMillis(1521801216617, 'Year: <[Y0001]>')", "Year: <2018>"),
            ("$fromMillis(1521801216617, 'Year: <[Y9,999,*]>')", "Year: <2,018>"),
            ("$fromMillis(1521801216617, '[[Year]]: [[[Y0001]]]')", "[Year]: [2018]"),
            ("$fromMillis(1521801216617, '[D#1]/[M#1]/[Y0001]')", "23/3/2018"),
            ("$fromMillis(1522616700000, '[F0] [FNn]')", "7 Sunday"),
            ("$fromMillis(1522703100000, '[F0] [FNn]')", "1 Monday"),
            ("$fromMillis(1521801216617, '[M01]/[D01]/[Y0001] at [H01]:[m01]:[s01]')", "03/23/2018 at 10:33:36"),
            ("$fromMillis(1521801216617, '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z01:01t]')", "2018-03-23T10:33:36.617Z"),
            (
                "$fromMillis(1521801216617, '[Y]-[ M01]-[D 01]T[H01 ]:[ m   ]:[s].[f0  01][Z01:\n 01t]')",
                "2018-03-23T10:33:36.617Z"
            ),
            (
                "$fromMillis(1521801216617, '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z0101t]', '+0100')",
                "2018-03-23T11:33:36.617+0100"
            ),
            ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z01:01]')", "2018-07-11T12:00:00+00:00"),
            ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z]', '-0500')", "2018-07-11T07:00:00-05:00"),
            ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z0]', '-0500')", "2018-07-11T07:00:00-5"),
            ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z0]', '+0530')", "2018-07-11T17:30:00+5:30"),
            ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][z]', '-0500')", "2018-07-11T07:00:00GMT-05:00"),
            (
                "$fromMillis(1230757500000, '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z0101t]', '+0530')",
                "2009-01-01T02:35:00.000+0530"
            ),
            ("$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y,2]')", "23/03/18"),
            ("$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y0001,2]')", "23/03/2018"),
            ("$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y##01,2-2]')", "23/03/18"),
            ("$fromMillis(1521801216617, '[D1] [M01] [YI]')", "23 03 MMXVIII"),
            ("$fromMillis(1521801216617, '[Da] [MA] [Yi]')", "w C mmxviii"),
            ("$fromMillis(1521801216617, '[D1o] [M01] [Y]')", "23rd 03 2018"),
            ("$fromMillis(1521801216617, '[Yw]')", "two thousand and eighteen"),
            (
                "$fromMillis(1521801216617, '[FNn], the [Dwo] of [MNn] [Y] [E]')",
                "Friday, the twenty-third of March 2018 ISO"
            ),
            ("$fromMillis(1521801216617, '[FNn,3-3], [D1o] [MNn,3-3] [Y] [C]')", "Fri, 23rd Mar 2018 ISO"),
            ("$fromMillis(1521801216617, '[F], [D]/[M]/[Y] [h]:[m]:[s] [P]')", "friday, 23/3/2018 10:33:36 am"),
            ("$fromMillis(1204405500000, '[F], [D]/[M]/[Y] [h]:[m]:[s] [P]')", "saturday, 1/3/2008 9:05:00 pm"),
            ("$fromMillis(1199664000000, '[F], [D]/[M]/[Y] [h]:[m]:[s] [P]')", "monday, 7/1/2008 12:00:00 am"),
            ("$fromMillis(1514808000000, '[dwo] day of the year')", "first day of the year"),
            ("$fromMillis(1483185600000, '[d] days in [Y0001]')", "366 days in 2016"),
            ("$fromMillis(1545739200000, 'Week: [W]')", "Week: 52"),
            ("$fromMillis(1419854400000, 'Week: [W]')", "Week: 1"),
            ("$fromMillis(1451736000000, 'Week: [W]')", "Week: 53"),
            ("$fromMillis(1359720000000, 'Week: [w] of [xNn]')", "Week: 5 of January"),
            ("$fromMillis(1483272000000, 'Week: [w] of [xNn]')", "Week: 5 of December"),
            ("$fromMillis(1533038400000, 'Week: [w] of [xNn]')", "Week: 1 of August"),
            ("$fromMillis(1540127100000, (), '-0500')", "2018-10-21T08:05:00.000-05:00"),
            ("$fromMillis(1540127100000, (), '0000')", "2018-10-21T13:05:00.000Z"),
            ("$fromMillis(-1000)", "1969-12-31T23:59:59.000Z"),
        ])
    func fromMillis(expression: String, expected: String) throws {
        #expect(try evaluate(expression) == .string(expected), "\(expression)")
    }

    @Test("a picture $fromMillis cannot read is an error with JSONata's code")
    func errors() {
        #expect(errorCode("$fromMillis(1230757500000, '[Z010101t]', '+0530')") == "D3134")
        #expect(errorCode("$fromMillis(1419940800000, '[YN]-[M]-[D]')") == "D3133")
        #expect(errorCode("$fromMillis(1419940800000, '[YN]-[M')") == "D3135")
        #expect(errorCode("$fromMillis(1419940800000, '[Q]')") == "D3132")
        #expect(errorCode("$fromMillis(1, '[Y]', 'noon')") == "D3110")
        #expect(errorCode("$toMillis('23/03', '[D]/[M]')") == "D3136")
    }

    @Test(
        "$toMillis reads a timestamp back by its picture; text that does not match is nothing",
        arguments: [
            ("$toMillis('2018-03-23', '[Y0001]-[M01]-[D01]')", 1_521_763_200_000.0),
            ("$toMillis('20180323', '[Y0001][M01][D01]')", 1_521_763_200_000),
            ("$toMillis('23 March 2018', '[D] [MNn] [Y]')", 1_521_763_200_000),
            ("$toMillis('23rd Mar 2018', '[D1o] [MNn,3-3] [Y]')", 1_521_763_200_000),
            (
                "$toMillis('2018-03-23T10:33:36.617Z', '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z01:01t]')",
                1_521_801_216_617
            ),
            (
                "$toMillis('2018-03-23T11:33:36.617+01:00', '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z]')",
                1_521_801_216_617
            ),
            ("$toMillis('03/23/2018 10:33 pm', '[M]/[D]/[Y] [h]:[m] [P]')", 1_521_844_380_000),
            ("$toMillis('2018, day 82', '[Y], day [d]')", 1_521_763_200_000),
        ])
    func toMillis(expression: String, expected: Double) throws {
        #expect(try evaluate(expression) == .number(expected), "\(expression)")
    }

    @Test("$toMillis and $fromMillis agree, and text the picture does not describe is nothing")
    func roundTrips() throws {
        #expect(try evaluate("$toMillis('2018-03-23', '[D]/[M]/[Y]')") == nil)
        #expect(try evaluate("$toMillis('2018-13-23', '[Y]-[M]-[D]')") == nil)
        for millis in stride(from: -2_000_000_000_000.0, to: 4_000_000_000_000, by: 97_654_321_987) {
            let whole = (millis / 1000).rounded(.down) * 1000
            for picture in ["[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01][Z]", "[D1o] [MNn] [Y], [h]:[m01]:[s01] [P]"] {
                let expression = "$toMillis($fromMillis(\(Int(whole)), '\(picture)'), '\(picture)')"
                #expect(try evaluate(expression) == .number(whole), "\(expression)")
            }
        }
    }
}
