// The platform's default evaluation forms (issue 14), written for this project in French and English.
// A centre's ADMIN staff change them for their centre (forms.editor.ts): the first change copies
// the default into the centre's version 1. Keys stay stable: the organisation's figures
// (evaluations.stats.ts) read `recommend` and the 5-point questions by key.
import type { EvaluationKind } from '../../generated/prisma/enums.js';
import type { FormDefinition, Question } from './forms.js';

const l = (fr: string, en: string) => ({ fr, en });
const scale = (key: string, fr: string, en: string, followUp?: [string, string]): Question => ({ key, type: 'scale', label: l(fr, en), required: true, ...(followUp ? { followUp: { when: 'low', label: l(...followUp) } } : {}) });
const yesno = (key: string, fr: string, en: string, followUp?: [string, string]): Question => ({ key, type: 'yesno', label: l(fr, en), required: true, ...(followUp ? { followUp: { when: 'no', label: l(...followUp) } } : {}) });
const long = (key: string, fr: string, en: string, required = false): Question => ({ key, type: 'long', label: l(fr, en), required });
const choice = (key: string, fr: string, en: string, choices: [string, string, string][]): Question => ({ key, type: 'choice', label: l(fr, en), required: true, choices: choices.map(([k, cfr, cen]) => ({ key: k, label: l(cfr, cen) })) });

/** The company tutor's evaluation of the student: behaviour, skills, overall assessment (20 questions). */
const COMPANY: FormDefinition = {
  sections: [
    {
      key: 'behaviour',
      title: l('Savoir-être : le comportement en situation de travail', 'Behaviour at work ("savoir-être")'),
      questions: [
        scale('punctuality', 'Ponctualité et assiduité', 'Punctuality and attendance'),
        scale('integration', "Intégration dans l'équipe", 'Integration into the team'),
        scale('communication', "Communication (écoute, expression orale et écrite)", 'Communication (listening, speaking and writing)'),
        scale('initiative', "Sens de l'initiative", 'Initiative'),
        scale('autonomy', 'Autonomie', 'Autonomy'),
        yesno('rules', "Le stagiaire a respecté les règles de l'organisme (horaires, sécurité, confidentialité)", "The intern kept to the organisation's rules (hours, safety, confidentiality)", ['Précisez ce qui n’a pas été respecté', 'Say what was not kept to']),
        long('behaviourComment', 'Remarques sur le savoir-être', 'Remarks on behaviour at work'),
      ],
    },
    {
      key: 'skills',
      title: l('Savoir-faire : les compétences mises en œuvre', 'Skills shown ("savoir-faire")'),
      questions: [
        scale('knowledge', 'Connaissances mobilisées (acquis de la formation)', 'Knowledge applied (from the programme)'),
        scale('technical', 'Maîtrise des outils et des techniques du métier', "Command of the trade's tools and techniques"),
        scale('quality', 'Qualité du travail rendu', 'Quality of the work delivered'),
        scale('organisation', 'Organisation du travail et respect des délais', 'Organisation of work and keeping to deadlines'),
        scale('learning', "Capacité d'apprentissage et d'adaptation", 'Ability to learn and adapt'),
        choice('objectives', 'Les objectifs du stage ont été atteints', "The internship's objectives were met", [
          ['fully', 'Entièrement', 'Fully'],
          ['mostly', 'En grande partie', 'Mostly'],
          ['partly', 'En partie', 'Partly'],
          ['notMet', 'Non atteints', 'Not met'],
        ]),
        long('achievements', 'Principales réalisations du stagiaire', "The intern's main achievements", true),
        long('improvements', 'Points à améliorer', 'Areas for improvement'),
      ],
    },
    {
      key: 'overall',
      title: l('Appréciation globale', 'Overall assessment'),
      questions: [
        scale('overall', 'Appréciation globale du stagiaire', 'Overall assessment of the intern', ["Qu'est-ce qui n'a pas fonctionné ?", 'What did not work?']),
        yesno('takeAgain', 'Reprendriez-vous ce stagiaire ?', 'Would you take this student again?', ['Pourquoi ?', 'Why not?']),
        choice('hire', 'Envisageriez-vous de recruter ce stagiaire ?', 'Would you consider hiring this intern?', [
          ['yes', 'Oui', 'Yes'],
          ['maybe', 'Peut-être', 'Maybe'],
          ['no', 'Non', 'No'],
        ]),
        scale('programmeFit', 'Adéquation de la formation aux besoins de votre organisme', "Fit of the student's programme to your organisation's needs"),
        yesno('hostAgain', "Accueilleriez-vous d'autres stagiaires de cette formation ?", 'Would you host other interns from this programme?'),
        long('comment', 'Commentaire général', 'General comment'),
      ],
    },
  ],
};

/** The academic tutor's report: the follow-up, the host's supervision, the tasks, sending students again. */
const ACADEMIC: FormDefinition = {
  sections: [
    {
      key: 'followUp',
      title: l('Le suivi du stage', 'How the follow-up went'),
      questions: [
        choice('contacts', "Nombre d'échanges avec le tuteur entreprise", 'Number of exchanges with the company tutor', [
          ['none', 'Aucun', 'None'],
          ['one', 'Un', 'One'],
          ['two', 'Deux', 'Two'],
          ['more', 'Trois ou plus', 'Three or more'],
        ]),
        choice('visit', 'Forme du suivi', 'How the follow-up was done', [
          ['visit', 'Visite sur place', 'On-site visit'],
          ['video', 'Visioconférence', 'Video call'],
          ['phone', 'Téléphone', 'Telephone'],
          ['none', 'Aucun échange', 'No exchange'],
        ]),
        { key: 'visitDates', type: 'short', label: l('Date(s) de la visite ou des appels', 'Date(s) of the visit or calls'), required: false },
        scale('studentContacts', "Régularité des échanges avec l'étudiant", 'Regularity of the exchanges with the student'),
      ],
    },
    {
      key: 'supervision',
      title: l("L'encadrement par l'organisme d'accueil", "The host's supervision"),
      questions: [
        scale('supervision', "Qualité de l'encadrement par le tuteur entreprise", "Quality of the company tutor's supervision", ['Qu’est-ce qui a manqué ?', 'What was missing?']),
        yesno('resources', "L'étudiant disposait des moyens nécessaires (poste, accès, outils)", 'The student had what the work needed (workstation, access, tools)', ['Lesquels manquaient ?', 'Which were missing?']),
      ],
    },
    {
      key: 'tasks',
      title: l('Les missions au regard de la convention', 'The tasks against the agreement'),
      questions: [
        yesno('tasksMatch', 'Les missions confiées correspondaient à celles de la convention', 'The tasks given matched those of the agreement', ['Quels écarts avez-vous constatés ?', 'What differences did you see?']),
        scale('level', 'Niveau des missions adapté à la formation', "Tasks at the programme's level"),
      ],
    },
    {
      key: 'overall',
      title: l('Bilan', 'Conclusion'),
      questions: [
        yesno('sendAgain', "Enverriez-vous d'autres étudiants dans cet organisme ?", 'Would you send students there again?', ['Pourquoi ?', 'Why not?']),
        long('comment', 'Commentaire', 'Comment'),
      ],
    },
  ],
};

/** The student's confidential evaluation of the internship: before, during, after. */
const STUDENT: FormDefinition = {
  sections: [
    {
      key: 'before',
      title: l('Avant le stage', 'Before the internship'),
      questions: [
        choice('found', 'Comment avez-vous trouvé ce stage ?', 'How did you find this internship?', [
          ['offer', 'Une offre de la plateforme', "An offer on the platform"],
          ['spontaneous', 'Une candidature spontanée', 'An unsolicited application'],
          ['network', 'Mon réseau personnel', 'My personal network'],
          ['school', 'Mon établissement', 'My school'],
          ['other', 'Autre', 'Other'],
        ]),
        scale('information', 'Informations reçues avant le stage (missions, organisation, horaires)', 'Information received before the internship (tasks, organisation, hours)'),
      ],
    },
    {
      key: 'during',
      title: l('Pendant le stage', 'During the internship'),
      questions: [
        scale('welcome', "Accueil dans l'organisme", 'Welcome at the organisation', ["Qu'est-ce qui n'a pas été ?", 'What went wrong?']),
        scale('supervision', 'Encadrement par le tuteur entreprise', "The company tutor's supervision", ["Qu'est-ce qui a manqué ?", 'What was missing?']),
        scale('academicFollowUp', "Suivi par l'enseignant référent", "The academic tutor's follow-up"),
        yesno('tasksMatch', 'Les missions correspondaient à celles de la convention', 'The tasks matched those of the agreement', ['Quels écarts ?', 'What differences?']),
        scale('conditions', 'Conditions de travail (poste, outils, locaux)', 'Working conditions (workstation, tools, premises)'),
        choice('workload', 'Charge de travail', 'Workload', [
          ['light', 'Légère', 'Light'],
          ['right', 'Adaptée', 'Right'],
          ['heavy', 'Trop lourde', 'Too heavy'],
        ]),
      ],
    },
    {
      key: 'after',
      title: l('Après le stage', 'After the internship'),
      questions: [
        scale('skills', 'Compétences acquises utiles à votre projet professionnel', 'Skills gained, useful for your career plans'),
        yesno('offer', 'Une suite (emploi, alternance, thèse) vous a été proposée', 'You were offered a follow-on (job, work-study, PhD)'),
        yesno('recommend', 'Recommanderiez-vous ce stage à un autre étudiant ?', 'Would you recommend this internship to another student?', ['Pourquoi ?', 'Why not?']),
        long('comment', 'Commentaire libre', 'Any other comment'),
      ],
    },
  ],
};

export const DEFAULT_FORMS: Record<EvaluationKind, FormDefinition> = { COMPANY, ACADEMIC, STUDENT };
