/** The misspellings issue 18 found in the gallery, and their right spelling. */
export const ISSUE_18_MISSPELLINGS: Readonly<Record<string, string>> = {
  'Chris Patt': 'Chris Pratt',
  'Jennifer Anniston': 'Jennifer Aniston',
  'Henry Cavil': 'Henry Cavill',
  'Christiano Ronaldo': 'Cristiano Ronaldo',
  'Nicholas Cage': 'Nicolas Cage',
  'Mathew Mcconaughey': 'Matthew McConaughey',
  'Kevin Mccarthy': 'Kevin McCarthy',
  'Ileana DCruz': "Ileana D'Cruz",
  'Jackie Joyner Kersee': 'Jackie Joyner-Kersee',
  'Xabi Alanso': 'Xabi Alonso',
  'Warren Buffet': 'Warren Buffett',
  'Queen Elizabeth Ii': 'Queen Elizabeth II',
};
