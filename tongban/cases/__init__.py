"""Cases (办件) across cities: 全程网办, 异地代收代办 and 多地联办, from submission to completion, with
working-day deadlines."""
