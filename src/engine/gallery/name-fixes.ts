/**
 * The reviewed decisions on gallery names (canonical-names.ts): renames, and proposals rejected.
 * Every entry was checked by a person against what the name's owner is called (Wikipedia's
 * article title), not only against the reference lists, which have their own errors.
 * `celeb gallery names` lists the proposals this table does not decide yet.
 */

export interface NameFix {
  /** The spelling a dataset uses (matched on `nameKey`: case, accents and punctuation do not matter). */
  from: string;
  /** The name the gallery shows. */
  to: string;
}

export interface NameKeep {
  /** A gallery name that stays as it is... */
  name: string;
  /** ...although a reference list proposes this spelling (undefined: whatever it proposes). */
  not?: string;
  why: string;
}

/** Renames. The lists' spelling where `celeb gallery names` proposed it and a review agreed; then the names no list holds. */
export const NAME_FIXES: readonly NameFix[] = [
  // Typos, with the spelling VGGFace2 or LFW proposed.
  { from: 'Aditya Roy Kapoor', to: 'Aditya Roy Kapur' },
  { from: 'Albert Pujol', to: 'Albert Pujols' },
  { from: 'Alex Fergusson', to: 'Alex Ferguson' },
  { from: 'Barbara Streisand', to: 'Barbra Streisand' },
  { from: 'Casc Fabregas', to: 'Cesc Fàbregas' },
  { from: 'Christiano Ronaldo', to: 'Cristiano Ronaldo' },
  { from: 'David Cruso', to: 'David Caruso' },
  { from: 'Diane Feinstein', to: 'Dianne Feinstein' },
  { from: 'Fernando Alanso', to: 'Fernando Alonso' },
  { from: 'Frank Ribery', to: 'Franck Ribéry' },
  // LFW writes Gerhard Schroeder; Wikipedia writes the umlaut, as VGGFace2 does for Thomas Müller.
  { from: 'Gerard Schroeder', to: 'Gerhard Schröder' },
  { from: 'Jean Chretian', to: 'Jean Chrétien' },
  { from: 'Jennifer Anniston', to: 'Jennifer Aniston' },
  { from: 'Jennifer Capriarti', to: 'Jennifer Capriati' },
  { from: 'Justin Beiber', to: 'Justin Bieber' },
  { from: 'Kamal Hassan', to: 'Kamal Haasan' },
  { from: 'Mathew Mcconaughey', to: 'Matthew McConaughey' },
  { from: 'Matt Hummels', to: 'Mats Hummels' },
  { from: 'Nancy Peloci', to: 'Nancy Pelosi' },
  { from: 'Nicholas Cage', to: 'Nicolas Cage' },
  { from: 'Rory Mcilory', to: 'Rory McIlroy' },
  { from: 'Thomas Mueller', to: 'Thomas Müller' },
  { from: 'Warren Buffet', to: 'Warren Buffett' },
  { from: 'Xabi Alanso', to: 'Xabi Alonso' },
  // Same letters, the lists add accents, capitals or punctuation.
  { from: 'Alexis Sanchez', to: 'Alexis Sánchez' },
  { from: 'Alvaro Uribe', to: 'Álvaro Uribe' },
  { from: 'Andres Manuel Lopez Obrador', to: 'Andrés Manuel López Obrador' },
  { from: 'Angel Di Maria', to: 'Ángel Di María' },
  { from: 'Ar Rahman', to: 'A.R. Rahman' },
  { from: 'Dale Earnhardt Jr', to: 'Dale Earnhardt Jr.' },
  { from: 'Demian Bichir', to: 'Demián Bichir' },
  { from: 'Gisele Bundchen', to: 'Gisele Bündchen' },
  { from: 'James Rodriguez', to: 'James Rodríguez' },
  { from: 'Jay Z', to: 'Jay-Z' },
  { from: 'Jurgen Klopp', to: 'Jürgen Klopp' },
  { from: 'Lebron James', to: 'LeBron James' },
  { from: 'Luis Figo', to: 'Luís Figo' },
  { from: 'Luis Suarez', to: 'Luis Suárez' },
  { from: 'Malin Akerman', to: 'Malin Åkerman' },
  { from: 'Mario Gotze', to: 'Mario Götze' },
  { from: 'Mesut Ozil', to: 'Mesut Özil' },
  { from: 'Nestor Kirchner', to: 'Néstor Kirchner' },
  { from: 'Pele', to: 'Pelé' },
  { from: 'Petra Kvitova', to: 'Petra Kvitová' },
  { from: 'Piedad Cordoba', to: 'Piedad Córdoba' },
  { from: 'R Madhavan', to: 'R. Madhavan' },
  { from: 'Robert Downey Jr', to: 'Robert Downey Jr.' },
  { from: 'Robin Van Persie', to: 'Robin van Persie' },
  { from: 'Robinson Cano', to: 'Robinson Canó' },
  { from: 'Sergio Aguero', to: 'Sergio Agüero' },
  { from: 'Zlatan Ibrahimovic', to: 'Zlatan Ibrahimović' },
  // Not in either list (VGGFace2 has no Chris Pratt or Henry Cavill): Wikipedia's spelling.
  { from: 'Alexandria Deberry', to: 'Alexandria DeBerry' },
  { from: 'Alvaro Morte', to: 'Álvaro Morte' },
  { from: 'Alycia Dabnem Carey', to: 'Alycia Debnam-Carey' },
  { from: 'Beyonce', to: 'Beyoncé' },
  { from: 'Bingbing Fan', to: 'Fan Bingbing' },
  { from: 'Bingbing Li', to: 'Li Bingbing' },
  { from: 'Canelo Alvarez', to: 'Canelo Álvarez' },
  { from: 'Catherine Zeta', to: 'Catherine Zeta-Jones' },
  { from: 'Cc Sabathia', to: 'CC Sabathia' },
  // The photos are of the baseball player Prince Fielder (Brewers and Tigers caps); no Chris Fielder is known.
  { from: 'Chris Fielder', to: 'Prince Fielder' },
  { from: 'Chris Patt', to: 'Chris Pratt' },
  { from: 'Cristina Fernandez De Kirchner', to: 'Cristina Fernández de Kirchner' },
  { from: 'Del Piero', to: 'Alessandro Del Piero' },
  { from: 'Dilma Roussef', to: 'Dilma Rousseff' },
  { from: 'Garbine Muguruza', to: 'Garbiñe Muguruza' },
  // The photos are of George W. Bush, not his father.
  { from: 'George Bush', to: 'George W. Bush' },
  { from: 'Hector Elizondo', to: 'Héctor Elizondo' },
  { from: 'Henry Cavil', to: 'Henry Cavill' },
  { from: 'Hillary Swank', to: 'Hilary Swank' },
  // VGGFace2 and LFW drop apostrophes (`Ileana_DCruz`, `Bill_OReilly`).
  { from: 'Ileana DCruz', to: "Ileana D'Cruz" },
  { from: 'Jackie Joyner Kersee', to: 'Jackie Joyner-Kersee' },
  { from: 'Jevin Kostner', to: 'Kevin Costner' },
  { from: 'Kaka', to: 'Kaká' },
  { from: 'Karolina Kurkova', to: 'Karolína Kurková' },
  { from: 'Kiernen Shipka', to: 'Kiernan Shipka' },
  { from: 'Luiz Lula Da Silva', to: 'Luiz Inácio Lula da Silva' },
  { from: 'Madalina Diana Ghenea', to: 'Mădălina Ghenea' },
  { from: 'Mads Mikkelson', to: 'Mads Mikkelsen' },
  { from: 'Maria Pedraza', to: 'María Pedraza' },
  { from: 'Masahiro Matoki', to: 'Masahiro Motoki' },
  { from: 'Ms Dhoni', to: 'MS Dhoni' },
  { from: 'Neymer', to: 'Neymar' },
  { from: 'Nikki Deloach', to: 'Nikki DeLoach' },
  { from: 'Queen Elizabeth Ii', to: 'Queen Elizabeth II' },
  // The photos are of Sheikh Mohammed, ruler of Dubai, not of his father Rashid.
  { from: 'Rashid Al Maktoum', to: 'Mohammed bin Rashid Al Maktoum' },
  { from: 'Recep Erdogen', to: 'Recep Tayyip Erdoğan' },
  { from: 'Richa Chadda', to: 'Richa Chadha' },
  { from: 'Rooh Moo-hyan', to: 'Roh Moo-hyun' },
  { from: 'Shakira Isabel Mebarak', to: 'Shakira' },
  { from: 'Ursula Corbero', to: 'Úrsula Corberó' },
  { from: 'Vincent Company', to: 'Vincent Kompany' },
  { from: 'Wladimir Kiltschko', to: 'Wladimir Klitschko' },
  { from: 'Yaya Toure', to: 'Yaya Touré' },
  { from: 'Zeff Gordon', to: 'Jeff Gordon' },
  { from: 'Ziyi Zhang', to: 'Zhang Ziyi' },
];

/** Proposals rejected: the gallery's name is right and the list names someone else, or writes it otherwise. */
export const NAME_KEEPS: readonly NameKeep[] = [
  // Different people with near names (false friends).
  { name: 'Eva Longoria', not: 'Evan Longoria', why: 'the actress; Evan Longoria is a baseball player' },
  { name: 'Joan Cusack', not: 'John Cusack', why: 'the actress; John Cusack is her brother' },
  { name: 'Kelly Rowan', not: 'Kelly Rowland', why: 'the Canadian actress; Kelly Rowland is the singer' },
  { name: 'Robert Pattinson', not: 'Robert Pattison', why: "Wikipedia writes Pattinson; LFW's Pattison is a misspelling" },
  { name: 'Garry Marshall', not: 'Gary Marshall', why: "the director (Pretty Woman) is Garry; LFW's Gary Marshall is someone else" },
  { name: 'Guillaume Canet', not: 'Guillaume Cannet', why: "the French actor is Canet; LFW's Cannet is a misspelling" },
  { name: 'Kate Mara', not: 'Kate OMara', why: "the American actress; Kate O'Mara was a British actress" },
  { name: 'Katherine Jenkins', not: 'Catherine Jenkins', why: 'the Welsh singer' },
  { name: 'Ray Rice', not: 'Ray Price', why: 'the American football player; Ray Price was a country singer' },
  { name: 'Rico Rodriguez', not: 'Rich Rodriguez', why: 'the actor (Modern Family); Rich Rodriguez is a football coach' },
  { name: 'Richard Burton', not: 'Richard Bruton', why: 'the Welsh actor; Richard Bruton is an Irish politician' },
  { name: 'Terrence Howard', not: 'Terence Howard', why: 'the actor writes Terrence' },
  { name: 'Yulia Tymoshenko', not: 'Julia Tymoshenko', why: 'Wikipedia writes Yulia' },
  // Same letters, but the list's accents belong to a namesake.
  {
    name: 'Alex Rodriguez',
    not: 'Álex Rodríguez',
    why: 'the photos are of the American baseball player (A-Rod), written without accents; Álex Rodríguez is a Spanish footballer',
  },
  { name: 'Mario Lopez', not: 'Mario López', why: 'the American actor writes Lopez' },
  { name: 'Sergio Ramos', not: 'Sérgio Ramos', why: 'the Spanish footballer writes Sergio' },
  { name: 'Shinzo Abe', not: 'Shinzō Abe', why: 'Wikipedia writes Shinzo Abe' },
  // Initials: the gallery writes them without spaces throughout (J.J. Abrams, J.K. Simmons, A.R. Rahman).
  { name: 'A.J. Buckley', not: 'A. J. Buckley', why: 'initials without spaces, as elsewhere in the gallery' },
  { name: 'B.J. Novak', not: 'B. J. Novak', why: 'initials without spaces, as elsewhere in the gallery' },
  { name: 'T.J. Miller', not: 'T. J. Miller', why: 'initials without spaces, as elsewhere in the gallery' },
];

/**
 * One person under two spellings, merged whatever their faces' cosine: pairs a review confirmed
 * that the data's merge threshold (1% of one person's photo halves) lets slip by a hair.
 */
export const SAME_PERSON: readonly { names: readonly [string, string]; why: string }[] = [
  {
    names: ['Robert Do Niro', 'Robert De Niro'],
    why: "doppelganger's typo; merged by faces until the mirror-symmetric crops put the pair at cosine 0.920, under that build's 0.921",
  },
];
